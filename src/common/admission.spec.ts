import { describe, expect, it } from '@jest/globals';
import { Admission } from './admission.js';

const MB = 1024 * 1024;

describe('Admission', () => {
  it('says a key was asked before from its second ask, and not for other keys', () => {
    const admission = new Admission(2 * MB, 60_000, 0);
    const asks = ['a', 'b', 'a', 'ä', '/api/v1/images?limit=20', 'ä', '/api/v1/images?limit=20'];
    expect(asks.map((key) => admission.askedBefore(key, 1))).toEqual([
      false,
      false,
      true,
      false,
      false,
      true,
      true,
    ]);
  });

  it('remembers a key for one to two windows, then forgets it', () => {
    const admission = new Admission(2 * MB, 1000, 0);
    expect(admission.askedBefore('page', 0)).toBe(false);
    expect(admission.askedBefore('page', 1500)).toBe(true);
    expect(admission.askedBefore('other', 1500)).toBe(false);
    // Two windows on without an ask of it: gone.
    expect(admission.askedBefore('other', 3600)).toBe(false);
    expect(admission.askedBefore('page', 5700)).toBe(false);
  });

  it('keeps remembering a key asked once a window', () => {
    const admission = new Admission(2 * MB, 1000, 0);
    admission.askedBefore('page', 0);
    for (const at of [900, 1800, 2700, 3600]) expect(admission.askedBefore('page', at)).toBe(true);
  });

  it('admits nothing with a window of 0', () => {
    const admission = new Admission(2 * MB, 0);
    expect([admission.askedBefore('a'), admission.askedBefore('a')]).toEqual([false, false]);
  });

  it('takes few never-asked keys for asked ones: under 0.5% of 100,000 one-off keys', () => {
    const admission = new Admission(2 * MB, 60_000, 0);
    let wrong = 0;
    for (let i = 0; i < 100_000; i++) {
      if (admission.askedBefore(`/api/v1/images?limit=20&to=2030-01-01T00:00:${i}Z`, 1)) wrong++;
    }
    expect(wrong).toBeLessThan(500);
  });
});
