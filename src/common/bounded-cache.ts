/**
 * An in-memory cache bounded by the bytes it holds (oldest entry out first) and, when given one,
 * by each entry's age. Not shared between replicas: what it keeps must be safe to serve for
 * `ttlMs` after a change made elsewhere, or never change (bytes under a key that is never reused).
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /**
   * Entries in the order they were set, oldest first from `head`: one no longer under its key is
   * stale and skipped. Eviction takes from the head. (Walking the Map's keys from its start
   * instead cost 10-18 µs a set under churn: V8 keeps deleted entries as holes that every walk
   * from the start steps over.) An entry lets go of its value when it leaves the Map, so places
   * not yet dropped from here (before the head, or stale) hold no value.
   */
  private order: Entry<V>[] = [];
  private head = 0;
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
    const entry: Entry<V> = { key, value, size, expiresAt: Date.now() + this.ttlMs };
    this.entries.set(key, entry);
    this.order.push(entry);
    this.bytes += size;
    while (this.bytes > this.maxBytes) {
      const oldest = this.order[this.head++];
      if (this.entries.get(oldest.key) === oldest) this.delete(oldest.key);
    }
    // Places passed by the head and stale ones (keys set again, deleted, expired) are dropped
    // once they outnumber live ones: under churn, the queue stays within twice the live entries.
    if (this.order.length > 2 * this.entries.size + 64) this.compact();
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.size;
    entry.value = undefined;
  }

  clear(): void {
    this.entries.clear();
    this.order = [];
    this.head = 0;
    this.bytes = 0;
  }

  /** How many entries are held (expired ones included until they are next asked for). */
  get size(): number {
    return this.entries.size;
  }

  private compact(): void {
    this.order = this.order
      .slice(this.head)
      .filter((entry) => this.entries.get(entry.key) === entry);
    this.head = 0;
  }
}

interface Entry<V> {
  readonly key: string;
  /** Undefined once the entry has left the cache (see `order`). */
  value: V | undefined;
  readonly size: number;
  readonly expiresAt: number;
}
