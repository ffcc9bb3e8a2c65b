import {
  QuotaRepository,
  type QuotaAttempt,
  type QuotaConsumption,
} from '../../../src/storage/records/quota.repository.js';

/** Counters in a map; a check and its increment happen without an await between them. */
export class InMemoryQuotaRepository extends QuotaRepository {
  private readonly counters = new Map<string, number>();

  protected async consume({ userId, day, n, limit }: QuotaAttempt): Promise<QuotaConsumption> {
    const key = `${userId}:${day}`;
    const used = this.counters.get(key) ?? 0;
    if (limit !== null && used + n > limit) return { granted: false, used };
    this.counters.set(key, used + n);
    return { granted: true, used: used + n };
  }

  async refund(userId: string, day: string, n: number): Promise<void> {
    const key = `${userId}:${day}`;
    const used = this.counters.get(key);
    if (used !== undefined) this.counters.set(key, Math.max(0, used - n));
  }

  async used(userId: string, day: string): Promise<number> {
    return this.counters.get(`${userId}:${day}`) ?? 0;
  }
}
