import type { ApiKey } from '../../../src/domain/records.js';
import { ApiKeysRepository } from '../../../src/storage/records/api-keys.repository.js';
import { copy, newestFirst } from './table.js';

export class InMemoryApiKeysRepository extends ApiKeysRepository {
  private readonly rows = new Map<string, ApiKey>();

  async create(key: ApiKey): Promise<ApiKey> {
    this.rows.set(key.id, copy(key));
    return copy(key);
  }

  async findById(id: string): Promise<ApiKey | null> {
    const key = this.rows.get(id);
    return key ? copy(key) : null;
  }

  async listActiveByUser(userId: string): Promise<ApiKey[]> {
    return [...this.rows.values()]
      .filter((key) => key.userId === userId && key.revokedAt === null)
      .sort(newestFirst)
      .map(copy);
  }

  async touch(id: string, now: string): Promise<void> {
    const key = this.rows.get(id);
    if (key) this.rows.set(id, { ...key, lastUsedAt: now });
  }

  async revoke(id: string, userId: string, now: string): Promise<boolean> {
    const key = this.rows.get(id);
    if (!key || key.userId !== userId || key.revokedAt !== null) return false;
    this.rows.set(id, { ...key, revokedAt: now });
    return true;
  }
}
