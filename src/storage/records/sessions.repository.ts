import type { Session } from '../../domain/records.js';

/**
 * Refresh tokens, one record each, grouped in families (sessions). A family is revoked as a
 * whole, and stays revoked: a token added to it afterwards does not bring it back.
 */
export abstract class SessionsRepository {
  abstract create(session: Session): Promise<Session>;
  abstract findByTokenHash(tokenHash: string): Promise<Session | null>;
  /**
   * Compare-and-set: marks the token used (`usedAt`, `lastUsedAt` = `now`) only if it is neither
   * used nor revoked. Returns the token as updated, or null when it was not (another refresh of
   * the same token won, or the family was revoked): of two concurrent refreshes, one wins.
   */
  abstract markUsed(
    session: Pick<Session, 'id' | 'familyId'>,
    now: string,
  ): Promise<Session | null>;
  /** Revokes every token of the family not revoked yet; returns how many. */
  abstract revokeFamily(familyId: string, now: string): Promise<number>;
  /** Revokes every token of every family of the user not revoked yet; returns how many. */
  abstract revokeAllForUser(userId: string, now: string): Promise<number>;
  /** Whether any token of the family was revoked: then the whole session has ended. */
  abstract isFamilyRevoked(familyId: string): Promise<boolean>;
  /**
   * Deletes tokens that can no longer sign anyone in, given that no access token issued before
   * `cutoff` is still valid; returns how many:
   * - every token not revoked that expired before `cutoff` (used or not: it refreshes nothing);
   * - every token of a revoked family whose tokens were all created before `cutoff`: the access
   *   tokens naming the family have all expired, so nothing needs to know it was revoked.
   * A revoked token of a family with a newer token stays: `isFamilyRevoked` must keep saying so.
   */
  abstract prune(cutoff: string): Promise<number>;
}
