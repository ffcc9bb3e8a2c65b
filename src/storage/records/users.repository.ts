import type { PageRequest } from '../../common/cursor.js';
import type { NewUser, Role, User } from '../../domain/records.js';

/** E-mail addresses are compared lower-cased: the one place that says how. */
export const foldEmail = (email: string): string => email.toLowerCase();

/** Fields an update may change. */
export interface UserPatch {
  readonly role?: Role;
  readonly disabled?: boolean;
  readonly passwordHash?: string;
  readonly tokensValidAfter?: string | null;
}

export interface UserFilter {
  /** Only users whose e-mail contains this text, compared folded. */
  readonly email?: string;
}

export abstract class UsersRepository {
  /**
   * Stores the user with its e-mail folded, enabled unless said otherwise, for every adapter;
   * throws `UniqueViolationError('user-email')` when the e-mail is taken.
   */
  create(user: NewUser): Promise<User> {
    return this.insert({
      ...user,
      email: foldEmail(user.email),
      disabled: user.disabled ?? false,
      tokensValidAfter: user.tokensValidAfter ?? null,
    });
  }

  abstract findById(id: string): Promise<User | null>;

  /** `email` is compared folded. */
  findByEmail(email: string): Promise<User | null> {
    return this.findByFoldedEmail(foldEmail(email));
  }

  /** Applies the patch's given fields; the user as stored after, or null when there is none. */
  abstract update(id: string, patch: UserPatch): Promise<User | null>;

  /** Newest first, keyset after `page.after`, at most `page.limit` rows. */
  list(filter: UserFilter, page: PageRequest): Promise<User[]> {
    const email = filter.email === undefined ? undefined : foldEmail(filter.email);
    return this.listMatching({ email: email || undefined }, page);
  }

  /** `create`, with the e-mail folded. */
  protected abstract insert(user: User): Promise<User>;
  protected abstract findByFoldedEmail(email: string): Promise<User | null>;
  /** `list`, with the e-mail text folded. */
  protected abstract listMatching(filter: UserFilter, page: PageRequest): Promise<User[]>;
}
