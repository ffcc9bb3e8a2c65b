import type { ApiKey, ApiScope } from '../../../domain/records.js';
import { ApiKeysRepository } from '../api-keys.repository.js';
import type { SqliteDatabase } from './sqlite.database.js';

interface ApiKeyRow {
  id: string;
  user_id: string;
  name: string;
  scopes: string;
  secret_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  scopes: JSON.parse(row.scopes) as ApiScope[],
  secretHash: row.secret_hash,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

const toRow = (key: ApiKey): ApiKeyRow => ({
  id: key.id,
  user_id: key.userId,
  name: key.name,
  scopes: JSON.stringify(key.scopes),
  secret_hash: key.secretHash,
  created_at: key.createdAt,
  last_used_at: key.lastUsedAt,
  revoked_at: key.revokedAt,
});

const COLUMNS = Object.keys(toRow({ scopes: [] } as unknown as ApiKey));

export class SqliteApiKeysRepository extends ApiKeysRepository {
  constructor(private readonly sqlite: SqliteDatabase) {
    super();
  }

  async create(key: ApiKey): Promise<ApiKey> {
    this.sqlite
      .statement<[ApiKeyRow]>(
        `INSERT INTO api_keys (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`,
      )
      .run(toRow(key));
    return key;
  }

  async findById(id: string): Promise<ApiKey | null> {
    const row = this.sqlite
      .statement<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?')
      .get(id);
    return row ? toApiKey(row) : null;
  }

  async listActiveByUser(userId: string): Promise<ApiKey[]> {
    return this.sqlite
      .statement<[string], ApiKeyRow>(
        `SELECT * FROM api_keys WHERE user_id = ? AND revoked_at IS NULL
          ORDER BY created_at DESC, id DESC`,
      )
      .all(userId)
      .map(toApiKey);
  }

  async touch(id: string, now: string): Promise<void> {
    this.sqlite
      .statement<[string, string]>('UPDATE api_keys SET last_used_at = ? WHERE id = ?')
      .run(now, id);
  }

  async revoke(id: string, userId: string, now: string): Promise<boolean> {
    return (
      this.sqlite
        .statement<[string, string, string]>(
          `UPDATE api_keys SET revoked_at = ?
            WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
        )
        .run(now, id, userId).changes > 0
    );
  }
}
