import type { PageRequest } from '../../../src/common/cursor.js';
import { UniqueViolationError, type User } from '../../../src/domain/records.js';
import {
  UsersRepository,
  type UserFilter,
  type UserPatch,
} from '../../../src/storage/records/users.repository.js';
import { copy, pageOf } from './table.js';

export class InMemoryUsersRepository extends UsersRepository {
  private readonly rows = new Map<string, User>();

  async findById(id: string): Promise<User | null> {
    const user = this.rows.get(id);
    return user ? copy(user) : null;
  }

  async update(id: string, patch: UserPatch): Promise<User | null> {
    const user = this.rows.get(id);
    if (!user) return null;
    const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const updated: User = { ...user, ...given };
    this.rows.set(id, updated);
    return copy(updated);
  }

  protected async insert(user: User): Promise<User> {
    if (this.withEmail(user.email)) throw new UniqueViolationError('user-email');
    this.rows.set(user.id, copy(user));
    return copy(user);
  }

  protected async findByFoldedEmail(email: string): Promise<User | null> {
    const user = this.withEmail(email);
    return user ? copy(user) : null;
  }

  protected async listMatching(filter: UserFilter, page: PageRequest): Promise<User[]> {
    const { email } = filter;
    return pageOf(
      [...this.rows.values()].filter((user) => email === undefined || user.email.includes(email)),
      page,
    );
  }

  private withEmail(email: string): User | undefined {
    return [...this.rows.values()].find((user) => user.email === email);
  }
}
