import { describe, expect, it } from '@jest/globals';
import {
  ImageProvider,
  needsSetting,
  type ProviderImage,
  type ProviderLimits,
  type ProviderRequest,
} from './image-provider.js';
import { ProviderLimiter, withLimits } from './provider-limiter.js';

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

/** A provider whose calls stay open until released. */
class HeldProvider extends ImageProvider {
  readonly name = 'held';
  readonly description = 'holds every call';
  readonly started: number[] = [];
  readonly releases: (() => void)[] = [];

  constructor(limits: ProviderLimits | null) {
    super(limits);
  }

  status() {
    return needsSetting('HELD_TOKEN', true);
  }

  capabilities() {
    return { models: [], defaultModel: 'held-1' };
  }

  generate(request: ProviderRequest): Promise<ProviderImage[]> {
    this.started.push(request.seed);
    return new Promise((resolve) => this.releases.push(() => resolve([])));
  }
}

const requestWith = (seed: number) =>
  ({ n: 1, seed, signal: new AbortController().signal }) as ProviderRequest;

describe('withLimits', () => {
  it('leaves a provider without limits as it is', () => {
    const provider = new HeldProvider(null);

    expect(withLimits(provider)).toBe(provider);
  });

  it('keeps what the provider says about itself', () => {
    const limited = withLimits(new HeldProvider({ concurrency: 1, imagesPerMinute: 60 }));

    expect(limited).toMatchObject({ name: 'held', description: 'holds every call' });
    expect(limited.limits()).toEqual({ concurrency: 1, imagesPerMinute: 60 });
    expect(limited.status()).toEqual({ configured: true, missing: [] });
    expect(limited.capabilities().defaultModel).toBe('held-1');
  });

  it('runs at most `concurrency` generations at once', async () => {
    const provider = new HeldProvider({ concurrency: 1, imagesPerMinute: 1000 });
    const limited = withLimits(provider);

    const both = Promise.all([limited.generate(requestWith(1)), limited.generate(requestWith(2))]);
    await tick();
    expect(provider.started).toEqual([1]);
    provider.releases[0]();
    await tick();
    expect(provider.started).toEqual([1, 2]);
    provider.releases[1]();
    await both;
  });
});
