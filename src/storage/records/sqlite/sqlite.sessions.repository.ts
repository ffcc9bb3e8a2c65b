import type { Session } from '../../../domain/records.js';
import { SessionsRepository } from '../sessions.repository.js';
import type { SqliteDatabase } from './sqlite.database.js';

interface SessionRow {
  id: string;
  family_id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
  last_used_at: string;
  user_agent: string | null;
}

const toSession = (row: SessionRow): Session => ({
  id: row.id,
  familyId: row.family_id,
  userId: row.user_id,
  tokenHash: row.token_hash,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
  revokedAt: row.revoked_at,
  lastUsedAt: row.last_used_at,
  userAgent: row.user_agent,
});

const toRow = (session: Session): SessionRow => ({
  id: session.id,
  family_id: session.familyId,
  user_id: session.userId,
  token_hash: session.tokenHash,
  created_at: session.createdAt,
  expires_at: session.expiresAt,
  used_at: session.usedAt,
  revoked_at: session.revokedAt,
  last_used_at: session.lastUsedAt,
  user_agent: session.userAgent,
});

const COLUMNS = Object.keys(toRow({} as Session));

export class SqliteSessionsRepository extends SessionsRepository {
  constructor(private readonly sqlite: SqliteDatabase) {
    super();
  }

  async create(session: Session): Promise<Session> {
    this.sqlite
      .statement<[SessionRow]>(
        `INSERT INTO sessions (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`,
      )
      .run(toRow(session));
    return session;
  }

  async findByTokenHash(tokenHash: string): Promise<Session | null> {
    const row = this.sqlite
      .statement<[string], SessionRow>('SELECT * FROM sessions WHERE token_hash = ?')
      .get(tokenHash);
    return row ? toSession(row) : null;
  }

  /** One conditional UPDATE: SQLite's write lock lets only one of two racing refreshes match. */
  async markUsed(session: Pick<Session, 'id'>, now: string): Promise<Session | null> {
    const row = this.sqlite
      .statement<[string, string, string], SessionRow>(
        `UPDATE sessions SET used_at = ?, last_used_at = ?
          WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL RETURNING *`,
      )
      .get(now, now, session.id);
    return row ? toSession(row) : null;
  }

  async revokeFamily(familyId: string, now: string): Promise<number> {
    return this.sqlite
      .statement<[string, string]>(
        'UPDATE sessions SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL',
      )
      .run(now, familyId).changes;
  }

  async revokeAllForUser(userId: string, now: string): Promise<number> {
    return this.sqlite
      .statement<[string, string]>(
        'UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL',
      )
      .run(now, userId).changes;
  }

  async isFamilyRevoked(familyId: string): Promise<boolean> {
    const row = this.sqlite
      .statement<[string], { revoked: number }>(
        `SELECT EXISTS (SELECT 1 FROM sessions WHERE family_id = ? AND revoked_at IS NOT NULL)
            AS revoked`,
      )
      .get(familyId);
    return row?.revoked === 1;
  }

  async prune(cutoff: string): Promise<number> {
    return this.sqlite.db.transaction(() => {
      const expired = this.sqlite
        .statement<[string]>('DELETE FROM sessions WHERE revoked_at IS NULL AND expires_at < ?')
        .run(cutoff).changes;
      const ended = this.sqlite
        .statement<[string]>(
          `DELETE FROM sessions WHERE family_id IN (
            SELECT family_id FROM sessions GROUP BY family_id
              HAVING max(revoked_at) IS NOT NULL AND max(created_at) < ?)`,
        )
        .run(cutoff).changes;
      return expired + ended;
    })();
  }
}
