import type { User } from '../../domain/records.js';

/** E-mail addresses are compared lower-cased: the one place that says how. */
export const foldEmail = (email: string): string => email.toLowerCase();

export abstract class UsersRepository {
  /**
   * Stores the user with its e-mail folded, for every adapter; throws
   * `UniqueViolationError('user-email')` when the e-mail is taken.
   */
  create(user: User): Promise<User> {
    return this.insert({ ...user, email: foldEmail(user.email) });
  }

  abstract findById(id: string): Promise<User | null>;

  /** `email` is compared folded. */
  findByEmail(email: string): Promise<User | null> {
    return this.findByFoldedEmail(foldEmail(email));
  }

  /** `create`, with the e-mail folded. */
  protected abstract insert(user: User): Promise<User>;
  protected abstract findByFoldedEmail(email: string): Promise<User | null>;
}
