import { setImmediate } from 'node:timers/promises';
import type { Session } from '../../../domain/records.js';
import { SessionsRepository } from '../sessions.repository.js';
import type { SqliteDatabase } from './sqlite.database.js';
import { limitOf } from './sqlite.sql.js';

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

/** Rows of expired tokens deleted per transaction by `prune`. */
const PRUNE_BATCH = 2000;
/** Ended families (up to a few thousand tokens each) deleted per transaction by `prune`. */
const PRUNE_FAMILIES = 50;

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

  /**
   * In batches, each its own short transaction, with the event loop let go in between: SQLite's
   * calls block it, and a store that gathered sessions for months (its first prune) may hold
   * hundreds of thousands to delete.
   */
  async prune(cutoff: string): Promise<number> {
    let removed = 0;
    for (const batch of [() => this.pruneExpired(cutoff), () => this.pruneEnded(cutoff)]) {
      for (let changes = batch(); changes > 0; changes = batch()) {
        removed += changes;
        await setImmediate();
      }
    }
    return removed;
  }

  private pruneExpired(cutoff: string): number {
    return this.sqlite
      .statement<[string]>(
        `DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions
          WHERE revoked_at IS NULL AND expires_at < ? ${limitOf(PRUNE_BATCH)})`,
      )
      .run(cutoff).changes;
  }

  /** Families with a revoked token whose newest token is older than `cutoff`, a few at a time. */
  private pruneEnded(cutoff: string): number {
    return this.sqlite.db.transaction(() => {
      const families = this.sqlite
        .statement<[string], string>(
          // Without the hint the planner walks the whole family index: 20 ms at 1M rows, not 0.7.
          `SELECT family_id FROM sessions AS revoked INDEXED BY sessions_revoked_family
            WHERE revoked_at IS NOT NULL
            GROUP BY family_id
            HAVING (SELECT max(created_at) FROM sessions WHERE family_id = revoked.family_id) < ?
            ${limitOf(PRUNE_FAMILIES)}`,
        )
        .pluck()
        .all(cutoff);
      const remove = this.sqlite.statement<[string]>('DELETE FROM sessions WHERE family_id = ?');
      return families.reduce((sum, family) => sum + remove.run(family).changes, 0);
    })();
  }
}
