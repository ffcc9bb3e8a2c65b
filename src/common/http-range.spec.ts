import { describe, expect, it } from '@jest/globals';

import { parseRange } from './http-range.js';

const SIZE = 100;

describe('parseRange', () => {
  it.each([
    ['bytes=0-0', { start: 0, end: 0 }],
    ['bytes=10-19', { start: 10, end: 19 }],
    ['bytes=0-', { start: 0, end: 99 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=-5', { start: 95, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
    ['bytes=50-500', { start: 50, end: 99 }],
    ['bytes=99-99', { start: 99, end: 99 }],
  ])('reads %s of a 100-byte body as %j', (header, range) => {
    expect(parseRange(header, SIZE)).toEqual(range);
  });

  it.each(['bytes=10-5', 'bytes=100-', 'bytes=100-200', 'bytes=-0'])(
    'finds %s unsatisfiable for a 100-byte body',
    (header) => {
      expect(parseRange(header, SIZE)).toBe('unsatisfiable');
    },
  );

  it.each([
    ['several ranges', 'bytes=0-1,3-4'],
    ['another unit', 'items=0-1'],
    ['garbage', 'garbage'],
    ['no positions', 'bytes=-'],
    ['negative positions', 'bytes=-1-5'],
  ])('ignores %s (the whole body is served)', (_, header) => {
    expect(parseRange(header, SIZE)).toBeUndefined();
  });

  it('ignores a missing header', () => {
    expect(parseRange(undefined, SIZE)).toBeUndefined();
  });
});
