import { QuotaRepository, type QuotaAttempt, type QuotaConsumption } from '../quota.repository.js';
import type { SqliteDatabase } from './sqlite.database.js';

export class SqliteQuotaRepository extends QuotaRepository {
  constructor(private readonly sqlite: SqliteDatabase) {
    super();
  }

  /**
   * One statement: the first use of the day inserts the row, later ones add to it only while the
   * sum fits (`WHERE` of the upsert), and SQLite's write lock orders concurrent ones, across
   * processes too. No row back means the update did not fit.
   */
  protected async consume(attempt: QuotaAttempt): Promise<QuotaConsumption> {
    const row = this.sqlite
      .statement<[Record<string, unknown>], { used: number }>(
        `INSERT INTO quota_usage (user_id, day, used) VALUES (@userId, @day, @n)
           ON CONFLICT (user_id, day) DO UPDATE SET used = used + @n
           WHERE @limit IS NULL OR used + @n <= @limit
         RETURNING used`,
      )
      .get({ ...attempt });
    return this.settled(attempt, row?.used);
  }

  async refund(userId: string, day: string, n: number): Promise<void> {
    this.sqlite
      .statement<[number, string, string]>(
        'UPDATE quota_usage SET used = max(0, used - ?) WHERE user_id = ? AND day = ?',
      )
      .run(n, userId, day);
  }

  async used(userId: string, day: string): Promise<number> {
    return (
      this.sqlite
        .statement<[string, string], { used: number }>(
          'SELECT used FROM quota_usage WHERE user_id = ? AND day = ?',
        )
        .get(userId, day)?.used ?? 0
    );
  }
}
