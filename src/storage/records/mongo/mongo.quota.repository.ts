import { QuotaRepository, type QuotaAttempt, type QuotaConsumption } from '../quota.repository.js';
import type { MongoDatabase } from './mongo.database.js';
import type { QuotaDoc } from './mongo.documents.js';
import { duplicateKeyFields } from './mongo.queries.js';

const counterId = (userId: string, day: string): string => `${userId}:${day}`;

export class MongoQuotaRepository extends QuotaRepository {
  constructor(private readonly mongo: MongoDatabase) {
    super();
  }

  /**
   * A conditional `$inc` (the counter must still have room for `n`), with upsert for the day's
   * first use. When the counter exists but has no room, the upsert tries to insert a second one
   * with the same `_id` and fails with a duplicate key; so does the loser of two first uses racing.
   * Either way the counter now exists, and the same update without upsert settles it.
   */
  protected async consume(attempt: QuotaAttempt): Promise<QuotaConsumption> {
    const { userId, day, n, limit } = attempt;
    const _id = counterId(userId, day);
    const filter = limit === null ? { _id } : { _id, used: { $lte: limit - n } };
    const update = { $inc: { used: n }, $setOnInsert: { userId, day } };
    let doc: QuotaDoc | null;
    try {
      doc = await this.mongo.quotas
        .findOneAndUpdate(filter, update, { upsert: true, returnDocument: 'after' })
        .lean<QuotaDoc>()
        .exec();
    } catch (error) {
      if (duplicateKeyFields(error) === undefined) throw error;
      doc = await this.mongo.quotas
        .findOneAndUpdate(filter, { $inc: { used: n } }, { returnDocument: 'after' })
        .lean<QuotaDoc>()
        .exec();
    }
    return this.settled(attempt, doc?.used);
  }

  /** Down by `n` where there is that much, else to zero: two updates, each atomic. */
  async refund(userId: string, day: string, n: number): Promise<void> {
    const _id = counterId(userId, day);
    const result = await this.mongo.quotas
      .updateOne({ _id, used: { $gte: n } }, { $inc: { used: -n } })
      .exec();
    if (result.modifiedCount === 0) {
      await this.mongo.quotas.updateOne({ _id, used: { $lt: n } }, { $set: { used: 0 } }).exec();
    }
  }

  async used(userId: string, day: string): Promise<number> {
    const doc = await this.mongo.quotas.findById(counterId(userId, day)).lean<QuotaDoc>().exec();
    return doc?.used ?? 0;
  }
}
