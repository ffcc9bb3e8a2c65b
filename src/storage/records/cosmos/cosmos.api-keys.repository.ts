import type { ApiKey } from '../../../domain/records.js';
import { ApiKeysRepository } from '../api-keys.repository.js';
import { API_KEY_FIELDS } from '../record-fields.js';
import {
  type CosmosDatabase,
  NOT_FOUND,
  orderNewestFirst,
  sql,
  unless,
} from './cosmos.database.js';
import { CosmosItems } from './cosmos.items.js';

/** API keys in `apiKeys` (pk /id). */
export class CosmosApiKeysRepository extends ApiKeysRepository {
  private readonly items: CosmosItems<ApiKey>;

  constructor(private readonly cosmos: CosmosDatabase) {
    super();
    this.items = new CosmosItems(cosmos, cosmos.apiKeys, API_KEY_FIELDS);
  }

  async create(key: ApiKey): Promise<ApiKey> {
    await this.items.create(key);
    return key;
  }

  findById(id: string): Promise<ApiKey | null> {
    return this.items.find(id);
  }

  listActiveByUser(userId: string): Promise<ApiKey[]> {
    return this.items.query(
      sql(
        `SELECT * FROM c WHERE c.userId = @userId AND IS_NULL(c.revokedAt)
          ${orderNewestFirst('userId')}`,
        { userId },
      ),
    );
  }

  async touch(id: string, now: string): Promise<void> {
    await unless(
      [NOT_FOUND],
      async () => {
        await this.cosmos.apiKeys
          .item(id, id)
          .patch([{ op: 'set', path: '/lastUsedAt', value: now }]);
      },
      () => undefined,
    );
  }

  /** Read, check the owner, then replace with If-Match; a 412 reads again. */
  async revoke(id: string, userId: string, now: string): Promise<boolean> {
    const revoked = await this.items.update(id, (key) =>
      key.userId !== userId || key.revokedAt !== null ? null : { ...key, revokedAt: now },
    );
    return revoked !== null;
  }
}
