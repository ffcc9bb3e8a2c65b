import type { ApiScope, Role } from '../domain/records.js';

/** How the caller proved who it is. */
export type Credential =
  /** An access token; `sessionId` is its session (family), null on tokens made before sessions. */
  | { readonly kind: 'session'; readonly sessionId: string | null }
  /** An API key, and the scopes it may use (its own, within what the account's role allows). */
  | { readonly kind: 'api-key'; readonly keyId: string; readonly scopes: readonly ApiScope[] };

/** Who is calling, as the guard puts it on the request. */
export interface AuthUser {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  /** Set by the guard; callers built elsewhere (schedules, tests) have none. */
  readonly credential?: Credential;
}
