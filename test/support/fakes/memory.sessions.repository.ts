import type { Session } from '../../../src/domain/records.js';
import { SessionsRepository } from '../../../src/storage/records/sessions.repository.js';
import { copy } from './table.js';

/** Refresh tokens in a map; each method reads and writes without awaiting, so it is atomic. */
export class InMemorySessionsRepository extends SessionsRepository {
  private readonly rows = new Map<string, Session>();

  async create(session: Session): Promise<Session> {
    this.rows.set(session.id, copy(session));
    return copy(session);
  }

  async findByTokenHash(tokenHash: string): Promise<Session | null> {
    const session = [...this.rows.values()].find((s) => s.tokenHash === tokenHash);
    return session ? copy(session) : null;
  }

  async markUsed(session: Pick<Session, 'id'>, now: string): Promise<Session | null> {
    const stored = this.rows.get(session.id);
    if (!stored || stored.usedAt !== null || stored.revokedAt !== null) return null;
    const used = { ...stored, usedAt: now, lastUsedAt: now };
    this.rows.set(used.id, used);
    return copy(used);
  }

  async revokeFamily(familyId: string, now: string): Promise<number> {
    return this.revokeWhere((s) => s.familyId === familyId, now);
  }

  async revokeAllForUser(userId: string, now: string): Promise<number> {
    return this.revokeWhere((s) => s.userId === userId, now);
  }

  async isFamilyRevoked(familyId: string): Promise<boolean> {
    return [...this.rows.values()].some((s) => s.familyId === familyId && s.revokedAt !== null);
  }

  async prune(cutoff: string): Promise<number> {
    const rows = [...this.rows.values()];
    const ended = new Set(
      rows
        .filter((s) => s.revokedAt !== null)
        .map((s) => s.familyId)
        .filter((family) => rows.every((s) => s.familyId !== family || s.createdAt < cutoff)),
    );
    let deleted = 0;
    for (const session of rows) {
      const expired = session.revokedAt === null && session.expiresAt < cutoff;
      if (expired || ended.has(session.familyId)) {
        this.rows.delete(session.id);
        deleted++;
      }
    }
    return deleted;
  }

  private revokeWhere(match: (session: Session) => boolean, now: string): number {
    let revoked = 0;
    for (const session of this.rows.values()) {
      if (!match(session) || session.revokedAt !== null) continue;
      this.rows.set(session.id, { ...session, revokedAt: now });
      revoked++;
    }
    return revoked;
  }
}
