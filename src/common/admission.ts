/** How long a key's first ask counts towards keeping its value: one to two of these. */
export const ADMISSION_WINDOW_MS = 60_000;

/**
 * Which keys were asked for lately, so that a cache keeps a value from its second ask: a flood of
 * one-off keys (every `to` instant, every search) then neither evicts what everyone asks for nor
 * churns memory, at the cost of one build more for a repeated key.
 *
 * A Bloom filter of two generations (a "doorkeeper"): a key is remembered from one to two windows,
 * and an ask allocates nothing. Remembering each key as an entry of a bounded map instead cost an
 * uncacheable page ~12% of its throughput: every entry outlived the young generation, so each
 * request left garbage for the old one to collect. A key never asked may be taken for one asked
 * (a few percent of keys at 10,000 new keys a second for the default 2 MB; 0.05% at 100,000 keys
 * a window): its value is then kept from its first ask, which is what a cache without this does.
 */
export class Admission {
  private readonly bits: number;
  private current: Int32Array;
  private previous: Int32Array;
  private rotatedAt: number;

  /** `maxBytes` for both generations together; `windowMs` 0 admits nothing. */
  constructor(
    maxBytes: number,
    private readonly windowMs = ADMISSION_WINDOW_MS,
    now = Date.now(),
  ) {
    // A power of two of bytes in each of the two generations: 8 KiB to 64 MiB (2^16 to 2^29 bits).
    const wanted = 2 ** Math.floor(Math.log2(Math.max(1, maxBytes / 2)));
    const perGeneration = Math.min(1 << 26, Math.max(1 << 13, wanted));
    this.bits = perGeneration * 8;
    this.current = new Int32Array(perGeneration / 4);
    this.previous = new Int32Array(perGeneration / 4);
    this.rotatedAt = now;
  }

  /**
   * Whether `key` was asked for within the last one to two windows; counts this ask either way, so
   * a key asked at least once a window stays remembered.
   */
  askedBefore(key: string, now = Date.now()): boolean {
    if (this.windowMs <= 0) return false;
    if (now - this.rotatedAt >= this.windowMs) this.rotate(now);
    const hash = fnv1a(key);
    const first = hash & (this.bits - 1);
    const second = mix(hash) & (this.bits - 1);
    if (has(this.current, first) && has(this.current, second)) return true;
    // Remembered in this window either way: a key asked all along is never forgotten.
    set(this.current, first);
    set(this.current, second);
    return has(this.previous, first) && has(this.previous, second);
  }

  private rotate(now: number): void {
    // Two windows or more without an ask: both generations are stale.
    const stale = now - this.rotatedAt >= 2 * this.windowMs;
    [this.previous, this.current] = [this.current, this.previous];
    this.current.fill(0);
    if (stale) this.previous.fill(0);
    this.rotatedAt = now;
  }
}

const has = (words: Int32Array, bit: number): boolean =>
  (words[bit >>> 5] & (1 << (bit & 31))) !== 0;

const set = (words: Int32Array, bit: number): void => {
  words[bit >>> 5] |= 1 << (bit & 31);
};

/** 32-bit FNV-1a of the string's UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A second, well-spread index from the same hash (murmur3's finaliser). */
function mix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
