import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { BoundedCache } from './bounded-cache.js';
import { Rng } from '../prompts/seeded-random.js';

/** The plain model: a Map in insertion order, oldest out first while over the bound. */
class Model {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  constructor(
    private readonly maxBytes: number,
    private readonly ttlMs: number,
  ) {}
  private bytes = 0;
  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now()) return entry.value;
    this.delete(key);
    return undefined;
  }
  set(key: string, value: string): void {
    if (this.ttlMs <= 0 || value.length > this.maxBytes) return;
    this.delete(key);
    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
    this.bytes += value.length;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
  }
  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.value.length;
  }
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
  get size(): number {
    return this.entries.size;
  }
}

describe('BoundedCache', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('drops the oldest entries first once over its bytes; setting a key again makes it newest', () => {
    const cache = new BoundedCache<string>((value) => value.length, 10);
    cache.set('a', 'aaaa');
    cache.set('b', 'bbbb');
    cache.set('a', 'AAAA'); // a is now newer than b
    cache.set('c', 'cccc'); // 12 bytes: b goes
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['AAAA', undefined, 'cccc']);
    cache.set('big', 'x'.repeat(11)); // larger than the bound: never kept, nothing evicted
    expect([cache.get('big'), cache.get('a'), cache.get('c')]).toEqual([undefined, 'AAAA', 'cccc']);
  });

  it('forgets entries at their age, and keeps nothing with a TTL of 0', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const cache = new BoundedCache<string>((value) => value.length, 100, 1000);
    cache.set('a', 'a');
    jest.setSystemTime(1_000_999);
    expect(cache.get('a')).toBe('a');
    jest.setSystemTime(1_001_000);
    expect(cache.get('a')).toBeUndefined();
    const off = new BoundedCache<string>((value) => value.length, 100, 0);
    off.set('a', 'a');
    expect(off.get('a')).toBeUndefined();
  });

  it('answers as the plain model does over 30,000 random operations', () => {
    jest.useFakeTimers({ now: 0 });
    const rng = new Rng(11);
    const next = () => rng.next();
    const cache = new BoundedCache<string>((value) => value.length, 400, 50);
    const model = new Model(400, 50);
    for (let i = 0; i < 30_000; i++) {
      const key = `k${Math.floor(next() * 80)}`;
      const roll = next();
      if (roll < 0.5) {
        const value = 'v'.repeat(1 + Math.floor(next() * 40));
        cache.set(key, value);
        model.set(key, value);
      } else if (roll < 0.93) {
        expect(cache.get(key)).toBe(model.get(key));
      } else if (roll < 0.999) {
        cache.delete(key);
        model.delete(key);
      } else {
        cache.clear();
        model.clear();
      }
      if (i % 100 === 0) jest.setSystemTime(Date.now() + 7);
      if (i % 1000 === 0) expect(cache.size).toBe(model.size);
    }
  });

  it('holds no more than its bound under a flood of keys it will never see again', () => {
    const cache = new BoundedCache<string>((key) => key.length, 1000, 60_000);
    for (let i = 0; i < 100_000; i++) cache.set(`/api/v1/images?to=${i}`, `/api/v1/images?to=${i}`);
    expect(cache.size).toBeLessThanOrEqual(1000 / '/api/v1/images?to=99999'.length + 1);
    expect(cache.get('/api/v1/images?to=99999')).toBeDefined();
    expect(cache.get('/api/v1/images?to=0')).toBeUndefined();
  });

  it.each([
    ['evicts', () => {}],
    [
      'replaces',
      (cache: BoundedCache<Uint8Array>, key: string) => cache.set(key, new Uint8Array(1)),
    ],
    ['deletes', (cache: BoundedCache<Uint8Array>, key: string) => cache.delete(key)],
  ])('keeps nothing it %s reachable, under any churn', async (_case, drop) => {
    const gc = collector();
    const cache = new BoundedCache<Uint8Array>((value) => value.length, 64 * 1024, 60_000);
    const dropped: WeakRef<Uint8Array>[] = [];
    for (let i = 0; i < 20_000; i++) {
      const value = new Uint8Array(1024);
      if (i < 200) dropped.push(new WeakRef(value));
      cache.set(`/api/v1/images?to=${i}`, value);
      if (i < 200) drop(cache, `/api/v1/images?to=${i}`);
    }
    // A WeakRef keeps its target until the job that made it ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(dropped.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    expect(cache.size).toBe(64);
  });
});

/** V8's collector, without starting the test run with `--expose-gc`. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
