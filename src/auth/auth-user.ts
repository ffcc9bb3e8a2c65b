import type { Role } from '../domain/records.js';

/** Who is calling, as the guard puts it on the request. */
export interface AuthUser {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
}
