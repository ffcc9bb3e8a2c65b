import type { PageRequest } from '../../../common/cursor.js';
import { UniqueViolationError, type User } from '../../../domain/records.js';
import { pickFields, USER_FIELDS } from '../record-fields.js';
import { UsersRepository, type UserFilter, type UserPatch } from '../users.repository.js';
import { claimId, Claims } from './cosmos.claims.js';
import {
  AFTER,
  CONFLICT,
  type CosmosDatabase,
  ifMatch,
  NOT_FOUND,
  orderNewestFirst,
  PRECONDITION_FAILED,
  sql,
  unless,
} from './cosmos.database.js';

type UserDoc = Omit<User, 'disabled' | 'tokensValidAfter'> &
  Partial<Pick<User, 'disabled' | 'tokensValidAfter'>> & { readonly _etag?: string };

/** Users stored before accounts could be disabled read as enabled. */
const toUser = (doc: UserDoc): User => ({
  ...pickFields(doc as User, USER_FIELDS),
  disabled: doc.disabled ?? false,
  tokensValidAfter: doc.tokensValidAfter ?? null,
});

const emailClaim = (email: string) => claimId('email', email);

/**
 * Users by id in `users` (pk /id). E-mail uniqueness: the e-mail's claim in `keys` is created
 * first and carries the user, then the user document is written. The claim's copy is only read
 * to finish an interrupted create; changes (role, disabled, password) go to the user document.
 */
export class CosmosUsersRepository extends UsersRepository {
  private readonly claims: Claims;

  constructor(private readonly cosmos: CosmosDatabase) {
    super();
    this.claims = new Claims(cosmos);
  }

  protected async insert(user: User): Promise<User> {
    const record = toUser(user);
    const claim = await this.claims.take(emailClaim(record.email), [record.email], record);
    if (claim.record.id !== record.id) throw new UniqueViolationError('user-email');
    return this.materialize(record);
  }

  async findById(id: string): Promise<User | null> {
    const resource = await this.cosmos.readItem<UserDoc>(this.cosmos.users, id);
    return resource ? toUser(resource) : null;
  }

  protected async findByFoldedEmail(email: string): Promise<User | null> {
    const claim = await this.claims.read<User>(emailClaim(email));
    if (!claim) return null;
    return (await this.findById(claim.record.id)) ?? this.materialize(toUser(claim.record));
  }

  /** Read, then replace with If-Match on that version; a 412 reads again. */
  async update(id: string, patch: UserPatch): Promise<User | null> {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    for (;;) {
      const doc = await this.cosmos.readItem<UserDoc>(this.cosmos.users, id);
      if (!doc) return null;
      const next: User = { ...toUser(doc), ...defined };
      const replaced = await unless(
        [PRECONDITION_FAILED, NOT_FOUND],
        async () => {
          await this.cosmos.users.item(id, id).replace({ ...next }, ifMatch(doc._etag));
          return true;
        },
        () => false,
      );
      if (replaced) return next;
    }
  }

  protected async listMatching(filter: UserFilter, page: PageRequest): Promise<User[]> {
    const where: string[] = [];
    if (filter.email !== undefined) where.push('CONTAINS(c.email, @email)');
    if (page.after) where.push(AFTER);
    const docs = await this.cosmos.queryAll<UserDoc>(
      this.cosmos.users,
      sql(
        `SELECT TOP @limit * FROM c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ${orderNewestFirst()}`,
        {
          limit: page.limit,
          email: filter.email,
          afterCreatedAt: page.after?.createdAt,
          afterId: page.after?.id,
        },
      ),
      { maxItemCount: page.limit },
    );
    return docs.map(toUser);
  }

  /** Writes the user a claim admitted; someone finishing the same create first is fine. */
  private async materialize(user: User): Promise<User> {
    return unless(
      [CONFLICT],
      async () => {
        await this.cosmos.users.items.create({ ...user });
        return user;
      },
      async () => (await this.findById(user.id)) ?? user,
    );
  }
}
