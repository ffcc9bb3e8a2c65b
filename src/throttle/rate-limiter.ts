import type { OnModuleDestroy } from '@nestjs/common';

export interface RateLimitOutcome {
  readonly allowed: boolean;
  /** When refused: seconds until the oldest counted hit leaves the window. */
  readonly retryAfterSeconds: number;
}

/**
 * Counts hits per key in a sliding window. A port: each replica counts in its own memory today
 * (`InMemoryRateLimiter`), so N replicas allow N times the limit; a shared store (Redis, issue 13)
 * is another adapter of this class.
 */
export abstract class RateLimiter {
  /**
   * Counts a hit on `key` unless it already has `limit` hits in the last `windowMs`, and says
   * whether it was allowed. Refused hits are not counted: a client that keeps trying still gets
   * `limit` attempts per window, never fewer.
   */
  abstract hit(key: string, limit: number, windowMs: number): Promise<RateLimitOutcome>;
}

/** Hit times per key, in this process: at most `limit` numbers per key, swept once idle. */
export class InMemoryRateLimiter extends RateLimiter implements OnModuleDestroy {
  private readonly keys = new Map<string, { times: number[]; windowMs: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(sweepEveryMs = 60_000) {
    super();
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs).unref();
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitOutcome> {
    // No await between reading and writing the entry: concurrent hits cannot both take the last slot.
    const now = Date.now();
    const times = (this.keys.get(key)?.times ?? []).filter((time) => time > now - windowMs);
    this.keys.set(key, { times, windowMs });
    if (times.length >= limit) {
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((times[0] + windowMs - now) / 1000)),
      };
    }
    times.push(now);
    return { allowed: true, retryAfterSeconds: 0 };
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** Forgets keys whose last hit has left its window. */
  private sweep(now = Date.now()): void {
    for (const [key, { times, windowMs }] of this.keys) {
      if ((times.at(-1) ?? 0) <= now - windowMs) this.keys.delete(key);
    }
  }
}
