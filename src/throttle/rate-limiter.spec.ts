import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

import { InMemoryRateLimiter } from './rate-limiter.js';

describe('InMemoryRateLimiter', () => {
  let limiter: InMemoryRateLimiter;

  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-11-22T10:00:00.000Z') });
    limiter = new InMemoryRateLimiter();
  });
  afterEach(() => {
    limiter.onModuleDestroy();
    jest.useRealTimers();
  });

  const hits = async (key: string, count: number, limit = 3, windowMs = 60_000) => {
    const outcomes = [];
    for (let i = 0; i < count; i++) outcomes.push(await limiter.hit(key, limit, windowMs));
    return outcomes.map((outcome) => outcome.allowed);
  };

  it('allows `limit` hits per window, then refuses with the seconds until the oldest leaves it', async () => {
    expect(await hits('a', 3)).toEqual([true, true, true]);
    jest.advanceTimersByTime(20_000);

    const refused = await limiter.hit('a', 3, 60_000);

    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 40 });
  });

  it('counts each key on its own', async () => {
    expect(await hits('a', 3)).toEqual([true, true, true]);
    expect(await hits('b', 1)).toEqual([true]);
  });

  it('slides: a hit is allowed again as soon as the oldest one is older than the window', async () => {
    await hits('a', 1);
    jest.advanceTimersByTime(30_000);
    await hits('a', 2);
    expect(await hits('a', 1)).toEqual([false]);

    jest.advanceTimersByTime(30_001);

    expect(await hits('a', 2)).toEqual([true, false]);
  });

  it('does not count refused hits: a client that keeps trying still gets its next slot', async () => {
    await hits('a', 3);
    expect(await hits('a', 50)).toEqual(Array(50).fill(false));

    jest.advanceTimersByTime(60_001);

    expect(await hits('a', 4)).toEqual([true, true, true, false]);
  });

  it('forgets idle keys (they start afresh)', async () => {
    await hits('a', 3);
    jest.advanceTimersByTime(120_000);

    expect(await hits('a', 3)).toEqual([true, true, true]);
  });
});
