import type { User } from './records.js';

export abstract class UsersRepository {
  /** Throws `UniqueViolationError('user-email')` when the e-mail is taken. */
  abstract create(user: User): Promise<User>;
  abstract findById(id: string): Promise<User | null>;
  /** `email` is compared lower-cased. */
  abstract findByEmail(email: string): Promise<User | null>;
}
