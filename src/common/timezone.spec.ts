import { describe, expect, it } from '@jest/globals';

import { isValidTimezone } from './timezone.js';

describe('isValidTimezone', () => {
  it.each(['UTC', 'Europe/Paris', 'America/New_York'])('accepts %s', (timezone) => {
    expect(isValidTimezone(timezone)).toBe(true);
  });

  it.each(['Mars/Base', 'Nowhere/City', ''])('refuses %j', (timezone) => {
    expect(isValidTimezone(timezone)).toBe(false);
  });
});
