import type { Session } from '../../../domain/records.js';
import { pickFields, SESSION_FIELDS } from '../record-fields.js';
import { SessionsRepository } from '../sessions.repository.js';
import {
  type CosmosDatabase,
  ifMatch,
  NOT_FOUND,
  PRECONDITION_FAILED,
  sql,
  unless,
} from './cosmos.database.js';

type SessionDoc = Session & { readonly _etag?: string };

const toSession = (doc: Session): Session => pickFields(doc, SESSION_FIELDS);

/** Refresh tokens in `sessions` (pk /familyId: see `CONTAINERS`). */
export class CosmosSessionsRepository extends SessionsRepository {
  constructor(private readonly cosmos: CosmosDatabase) {
    super();
  }

  async create(session: Session): Promise<Session> {
    await this.cosmos.sessions.items.create({ ...toSession(session) });
    return session;
  }

  async findByTokenHash(tokenHash: string): Promise<Session | null> {
    const [doc] = await this.cosmos.queryAll<SessionDoc>(
      this.cosmos.sessions,
      sql('SELECT * FROM c WHERE c.tokenHash = @tokenHash', { tokenHash }),
    );
    return doc ? toSession(doc) : null;
  }

  /**
   * Read, check, then replace with If-Match on the version read: of two refreshes of one token,
   * the second replace fails with 412, reads the token again, and finds it used.
   */
  async markUsed(session: Pick<Session, 'id' | 'familyId'>, now: string): Promise<Session | null> {
    const item = this.cosmos.sessions.item(session.id, session.familyId);
    for (;;) {
      const doc = await this.cosmos.readItem<SessionDoc>(
        this.cosmos.sessions,
        session.id,
        session.familyId,
      );
      if (!doc || doc.usedAt !== null || doc.revokedAt !== null) return null;
      const next: Session = { ...toSession(doc), usedAt: now, lastUsedAt: now };
      const replaced = await unless(
        [PRECONDITION_FAILED, NOT_FOUND],
        async () => {
          await item.replace({ ...next }, ifMatch(doc._etag));
          return true;
        },
        () => false,
      );
      if (replaced) return next;
    }
  }

  /** One partition: the family's tokens not revoked yet, each patched. */
  async revokeFamily(familyId: string, now: string): Promise<number> {
    const docs = await this.cosmos.queryAll<SessionDoc>(
      this.cosmos.sessions,
      sql('SELECT * FROM c WHERE c.familyId = @familyId AND IS_NULL(c.revokedAt)', { familyId }),
      { partitionKey: familyId },
    );
    return this.revoke(docs, now);
  }

  async revokeAllForUser(userId: string, now: string): Promise<number> {
    const docs = await this.cosmos.queryAll<SessionDoc>(
      this.cosmos.sessions,
      sql('SELECT * FROM c WHERE c.userId = @userId AND IS_NULL(c.revokedAt)', { userId }),
    );
    return this.revoke(docs, now);
  }

  async isFamilyRevoked(familyId: string): Promise<boolean> {
    const [count] = await this.cosmos.queryAll<number>(
      this.cosmos.sessions,
      sql('SELECT VALUE COUNT(1) FROM c WHERE c.familyId = @familyId AND IS_STRING(c.revokedAt)', {
        familyId,
      }),
      { partitionKey: familyId },
    );
    return (count ?? 0) > 0;
  }

  /**
   * Two cross-partition queries for the candidates, then each family read in its partition before
   * any of its tokens goes: a token may have joined it since.
   */
  async prune(cutoff: string): Promise<number> {
    const expired = await this.cosmos.queryAll<Pick<Session, 'id' | 'familyId'>>(
      this.cosmos.sessions,
      sql('SELECT c.id, c.familyId FROM c WHERE IS_NULL(c.revokedAt) AND c.expiresAt < @cutoff', {
        cutoff,
      }),
    );
    let deleted = await this.deleteAll(expired);
    const revoked = await this.cosmos.queryAll<{ familyId: string }>(
      this.cosmos.sessions,
      sql('SELECT c.familyId FROM c WHERE IS_STRING(c.revokedAt) AND c.createdAt < @cutoff', {
        cutoff,
      }),
    );
    for (const familyId of new Set(revoked.map((token) => token.familyId))) {
      const family = await this.cosmos.queryAll<Pick<Session, 'id' | 'familyId' | 'createdAt'>>(
        this.cosmos.sessions,
        sql('SELECT c.id, c.familyId, c.createdAt FROM c WHERE c.familyId = @familyId', {
          familyId,
        }),
        { partitionKey: familyId },
      );
      if (family.every((token) => token.createdAt < cutoff))
        deleted += await this.deleteAll(family);
    }
    return deleted;
  }

  /** Deletes each token; one already gone counts nothing. */
  private async deleteAll(tokens: readonly Pick<Session, 'id' | 'familyId'>[]): Promise<number> {
    const done = await Promise.all(
      tokens.map((token) =>
        unless(
          [NOT_FOUND],
          async () => {
            await this.cosmos.sessions.item(token.id, token.familyId).delete();
            return 1;
          },
          () => 0,
        ),
      ),
    );
    return done.reduce<number>((sum, n) => sum + n, 0);
  }

  /**
   * A patch (`set`) per token: it applies whatever else changed the token meanwhile, and changes
   * its ETag, so that a refresh that read it before fails its If-Match and reads it revoked.
   */
  private async revoke(docs: readonly SessionDoc[], now: string): Promise<number> {
    const done = await Promise.all(
      docs.map((doc) =>
        unless(
          [NOT_FOUND],
          async () => {
            await this.cosmos.sessions
              .item(doc.id, doc.familyId)
              .patch([{ op: 'set', path: '/revokedAt', value: now }]);
            return 1;
          },
          () => 0,
        ),
      ),
    );
    return done.reduce<number>((sum, n) => sum + n, 0);
  }
}
