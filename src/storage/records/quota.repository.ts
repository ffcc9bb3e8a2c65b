/** What a consumption attempt did, and the day's use after it. */
export interface QuotaConsumption {
  readonly granted: boolean;
  /** The user's use of the day after the attempt (unchanged when not granted). */
  readonly used: number;
}

/** One attempt to take `n` of the user's `limit` (null: none) on `day`. */
export interface QuotaAttempt {
  readonly userId: string;
  readonly day: string;
  readonly n: number;
  readonly limit: number | null;
}

/**
 * Per-user, per-day counters (images generated), each changed atomically by the store, so that
 * concurrent requests never take more than the limit between them.
 */
export abstract class QuotaRepository {
  /**
   * Adds `n` to the user's use of `day` if the result stays within `limit` (null: no limit, the
   * use is only counted), atomically: of concurrent attempts, exactly those that fit are granted.
   */
  tryConsume(
    userId: string,
    day: string,
    n: number,
    limit: number | null,
  ): Promise<QuotaConsumption> {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer: ${n}`);
    // More than the whole limit never fits, whatever is used already.
    if (limit !== null && n > limit) {
      return this.used(userId, day).then((used) => ({ granted: false, used }));
    }
    return this.consume({ userId, day, n, limit });
  }

  /** Gives back `n` of what `tryConsume` took on `day` (never below zero). */
  abstract refund(userId: string, day: string, n: number): Promise<void>;
  /** The user's use of `day` (0 when nothing was taken). */
  abstract used(userId: string, day: string): Promise<number>;

  /** `tryConsume` for a positive `n` that may fit `limit`. */
  protected abstract consume(attempt: QuotaAttempt): Promise<QuotaConsumption>;

  /** Granted at `used` when the store wrote (undefined: it did not), else the use as it is. */
  protected async settled(
    { userId, day }: QuotaAttempt,
    used: number | undefined,
  ): Promise<QuotaConsumption> {
    if (used !== undefined) return { granted: true, used };
    return { granted: false, used: await this.used(userId, day) };
  }
}
