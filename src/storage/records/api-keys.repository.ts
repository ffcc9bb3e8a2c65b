import type { ApiKey } from '../../domain/records.js';

export abstract class ApiKeysRepository {
  abstract create(key: ApiKey): Promise<ApiKey>;
  /** The key, revoked or not (the caller checks `revokedAt`); null when there is none. */
  abstract findById(id: string): Promise<ApiKey | null>;
  /** The user's keys that are not revoked, newest first. */
  abstract listActiveByUser(userId: string): Promise<ApiKey[]>;
  /** Records a use of the key. */
  abstract touch(id: string, now: string): Promise<void>;
  /**
   * Revokes the key if it is the user's and not revoked yet; returns whether it did (false for a
   * missing key, another user's, or one already revoked).
   */
  abstract revoke(id: string, userId: string, now: string): Promise<boolean>;
}
