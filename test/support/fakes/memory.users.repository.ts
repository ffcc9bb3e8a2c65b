import { UniqueViolationError, type User } from '../../../src/domain/records.js';
import { UsersRepository } from '../../../src/storage/records/users.repository.js';
import { copy } from './table.js';

export class InMemoryUsersRepository extends UsersRepository {
  private readonly rows = new Map<string, User>();

  async findById(id: string): Promise<User | null> {
    const user = this.rows.get(id);
    return user ? copy(user) : null;
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

  private withEmail(email: string): User | undefined {
    return [...this.rows.values()].find((user) => user.email === email);
  }
}
