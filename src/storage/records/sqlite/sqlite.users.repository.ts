import type { Statement } from 'better-sqlite3';
import type { PageRequest } from '../../../common/cursor.js';
import { UniqueViolationError, type Role, type User } from '../../../domain/records.js';
import { UsersRepository, type UserFilter, type UserPatch } from '../users.repository.js';
import { isUniqueViolation, type SqliteDatabase } from './sqlite.database.js';
import { newestFirstPage, patchAssignments, type PatchColumns } from './sqlite.sql.js';

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  role: string;
  created_at: string;
  disabled: number;
  tokens_valid_after: string | null;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  passwordHash: row.password_hash,
  role: row.role as Role,
  createdAt: row.created_at,
  disabled: row.disabled === 1,
  tokensValidAfter: row.tokens_valid_after,
});

/** Patch field → column, and how its value is stored. */
const PATCH_COLUMNS: PatchColumns<UserPatch> = {
  role: ['role', (v: Role) => v],
  disabled: ['disabled', (v: boolean) => (v ? 1 : 0)],
  passwordHash: ['password_hash', (v: string) => v],
  tokensValidAfter: ['tokens_valid_after', (v: string | null) => v],
};

/** `text` as a LIKE pattern that matches it literally anywhere (`\` escapes `%` and `_`). */
const containing = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export class SqliteUsersRepository extends UsersRepository {
  private readonly insertStmt: Statement;
  private readonly byId: Statement<[string], UserRow>;
  private readonly byEmail: Statement<[string], UserRow>;

  constructor(private readonly sqlite: SqliteDatabase) {
    super();
    const { db } = sqlite;
    this.insertStmt = db.prepare(
      `INSERT INTO users (id, email, password_hash, role, created_at, disabled, tokens_valid_after)
       VALUES (@id, @email, @passwordHash, @role, @createdAt, @disabled, @tokensValidAfter)`,
    );
    this.byId = db.prepare('SELECT * FROM users WHERE id = ?');
    this.byEmail = db.prepare('SELECT * FROM users WHERE email = ?');
  }

  protected async insert(user: User): Promise<User> {
    try {
      this.insertStmt.run({ ...user, disabled: user.disabled ? 1 : 0 });
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

  async update(id: string, patch: UserPatch): Promise<User | null> {
    const { sets, params } = patchAssignments(patch, PATCH_COLUMNS);
    if (sets.length === 0) return this.findById(id);
    const row = this.sqlite
      .statement<[Record<string, unknown>], UserRow>(
        `UPDATE users SET ${sets.join(', ')} WHERE id = @id RETURNING *`,
      )
      .get({ ...params, id });
    return row ? toUser(row) : null;
  }

  protected async listMatching(filter: UserFilter, page: PageRequest): Promise<User[]> {
    const where = filter.email === undefined ? [] : [`email LIKE @email ESCAPE '\\'`];
    const { sql, params } = newestFirstPage('users', where, page);
    return this.sqlite
      .statement<[Record<string, unknown>], UserRow>(sql)
      .all({ ...params, email: filter.email === undefined ? undefined : containing(filter.email) })
      .map(toUser);
  }
}
