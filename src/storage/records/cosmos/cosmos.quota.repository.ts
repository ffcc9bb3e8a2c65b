import { QuotaRepository, type QuotaAttempt, type QuotaConsumption } from '../quota.repository.js';
import {
  CONFLICT,
  type CosmosDatabase,
  ifMatch,
  NOT_FOUND,
  PRECONDITION_FAILED,
  unless,
} from './cosmos.database.js';

interface QuotaDoc {
  readonly id: string;
  readonly userId: string;
  readonly day: string;
  readonly used: number;
  readonly _etag?: string;
}

const counterId = (userId: string, day: string): string => `${userId}:${day}`;

/**
 * Counters in `quotas` (pk /id). Each change is a create (the day's first use; a 409 means another
 * request created it first) or a replace with If-Match on the version read (a 412 means another
 * request changed it first); either way the loser reads again and decides again.
 */
export class CosmosQuotaRepository extends QuotaRepository {
  constructor(private readonly cosmos: CosmosDatabase) {
    super();
  }

  protected async consume({ userId, day, n, limit }: QuotaAttempt): Promise<QuotaConsumption> {
    const id = counterId(userId, day);
    for (;;) {
      const doc = await this.read(id);
      const used = doc?.used ?? 0;
      if (limit !== null && used + n > limit) return { granted: false, used };
      const next: QuotaDoc = { id, userId, day, used: used + n };
      if (await this.write(doc, next)) return { granted: true, used: next.used };
    }
  }

  async refund(userId: string, day: string, n: number): Promise<void> {
    const id = counterId(userId, day);
    for (;;) {
      const doc = await this.read(id);
      if (!doc) return;
      if (await this.write(doc, { ...doc, used: Math.max(0, doc.used - n) })) return;
    }
  }

  async used(userId: string, day: string): Promise<number> {
    return (await this.read(counterId(userId, day)))?.used ?? 0;
  }

  private async read(id: string): Promise<QuotaDoc | undefined> {
    return this.cosmos.readItem<QuotaDoc>(this.cosmos.quotas, id);
  }

  /** Creates `next` when there was no counter, else replaces the version read; false if beaten. */
  private write(doc: QuotaDoc | undefined, next: QuotaDoc): Promise<boolean> {
    const { id, userId, day, used } = next;
    return unless(
      [CONFLICT, PRECONDITION_FAILED, NOT_FOUND],
      async () => {
        if (doc) {
          await this.cosmos.quotas
            .item(id, id)
            .replace({ id, userId, day, used }, ifMatch(doc._etag));
        } else {
          await this.cosmos.quotas.items.create({ id, userId, day, used });
        }
        return true;
      },
      () => false,
    );
  }
}
