import { describe, expect, it } from '@jest/globals';

import { hashString, Rng, seededRandom } from './seeded-random.js';

describe('seeded random source', () => {
  it('keeps the sequences stored seeds were made with', () => {
    const random = seededRandom(42);

    expect([random(), random(), random()]).toEqual([
      0.6011037519201636, 0.44829055899754167, 0.8524657934904099,
    ]);
    expect(hashString('a lighthouse')).toBe(3265458396);
  });

  it('gives the same sequence as a function and as an Rng', () => {
    const random = seededRandom(7);
    const rng = new Rng(7);

    for (let i = 0; i < 20; i++) expect(rng.next()).toBe(random());
  });

  it('draws integers, ranges and picks inside their bounds', () => {
    const rng = new Rng(1);
    const items = ['a', 'b', 'c'] as const;

    for (let i = 0; i < 200; i++) {
      const int = rng.int(2, 4);
      const value = rng.range(-1, 1);
      expect([2, 3, 4]).toContain(int);
      expect(value).toBeGreaterThanOrEqual(-1);
      expect(value).toBeLessThan(1);
      expect(items).toContain(rng.pick(items));
    }
  });
});
