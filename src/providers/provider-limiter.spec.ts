import { describe, expect, it } from '@jest/globals';
import { ProviderLimiter } from './provider-limiter.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ProviderLimiter', () => {
  it('runs at most `concurrency` tasks at once, in arrival order', async () => {
    const limiter = new ProviderLimiter(2, 1000);
    const signal = new AbortController().signal;
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const tasks = [0, 1, 2, 3].map((i) =>
      limiter.run(1, signal, () => {
        started.push(i);
        return new Promise<void>((resolve) => releases.push(resolve));
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    releases[0]();
    await tick();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    releases[1]();
    releases[2]();
    await tick();
    await tick();
    releases[3]?.();
    await Promise.all(tasks);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('makes a burst beyond the images-per-minute budget wait instead of failing', async () => {
    // 600 a minute = one image every 100 ms; the bucket starts full (600).
    const limiter = new ProviderLimiter(10, 600);
    const signal = new AbortController().signal;
    await limiter.run(600, signal, async () => undefined);
    let done = false;
    const next = limiter.run(5, signal, async () => {
      done = true;
    });
    await tick();
    expect(done).toBe(false);
    await next;
    expect(done).toBe(true);
  });

  it('lets an aborted waiter leave the queue without taking a slot', async () => {
    const limiter = new ProviderLimiter(1, 1000);
    let release!: () => void;
    const first = limiter.run(
      1,
      new AbortController().signal,
      () => new Promise<void>((r) => (release = r)),
    );
    const controller = new AbortController();
    const second = limiter.run(1, controller.signal, async () => 'ran');
    const third = limiter.run(1, new AbortController().signal, async () => 'third');
    controller.abort(new Error('canceled'));
    await expect(second).rejects.toThrow('canceled');
    release();
    await first;
    await expect(third).resolves.toBe('third');
  });
});
