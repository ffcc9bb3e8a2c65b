import type { Statement } from 'better-sqlite3';
import { UniqueViolationError, type Role, type User } from '../../../domain/records.js';
import { UsersRepository } from '../users.repository.js';
import { isUniqueViolation, type SqliteDatabase } from './sqlite.database.js';

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  role: string;
  created_at: string;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  passwordHash: row.password_hash,
  role: row.role as Role,
  createdAt: row.created_at,
});

export class SqliteUsersRepository extends UsersRepository {
  private readonly insertStmt: Statement;
  private readonly byId: Statement<[string], UserRow>;
  private readonly byEmail: Statement<[string], UserRow>;

  constructor(sqlite: SqliteDatabase) {
    super();
    const { db } = sqlite;
    this.insertStmt = db.prepare(
      `INSERT INTO users (id, email, password_hash, role, created_at)
       VALUES (@id, @email, @passwordHash, @role, @createdAt)`,
    );
    this.byId = db.prepare('SELECT * FROM users WHERE id = ?');
    this.byEmail = db.prepare('SELECT * FROM users WHERE email = ?');
  }

  protected async insert(user: User): Promise<User> {
    try {
      this.insertStmt.run(user);
    } catch (error) {
      if (isUniqueViolation(error, 'users_email')) throw new UniqueViolationError('user-email');
      throw error;
    }
    return user;
  }

  async findById(id: string): Promise<User | null> {
    const row = this.byId.get(id);
    return row ? toUser(row) : null;
  }

  protected async findByFoldedEmail(email: string): Promise<User | null> {
    const row = this.byEmail.get(email);
    return row ? toUser(row) : null;
  }
}
