/**
 * An in-memory cache bounded by the bytes it holds (oldest entry out first) and, when given one,
 * by each entry's age. Not shared between replicas: what it keeps must be safe to serve for
 * `ttlMs` after a change made elsewhere, or never change (bytes under a key that is never reused).
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; size: number; expiresAt: number }>();
  private bytes = 0;

  /**
   * `sizeOf` says how many bytes a value holds; `ttlMs` is Infinity for values that never go
   * stale; a `ttlMs` or `maxBytes` of 0 keeps nothing.
   */
  constructor(
    private readonly sizeOf: (value: V) => number,
    private readonly maxBytes: number,
    private readonly ttlMs = Infinity,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > Date.now()) return entry.value;
    this.delete(key);
    return undefined;
  }

  set(key: string, value: V): void {
    const size = this.sizeOf(value);
    if (this.ttlMs <= 0 || size > this.maxBytes) return;
    this.delete(key);
    this.entries.set(key, { value, size, expiresAt: Date.now() + this.ttlMs });
    this.bytes += size;
    // Maps iterate in insertion order: the first entries are the oldest.
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.size;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
