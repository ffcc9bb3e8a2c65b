import { UniqueViolationError, type User } from '../../../domain/records.js';
import { UsersRepository } from '../users.repository.js';
import { claimId, Claims } from './cosmos.claims.js';
import { CONFLICT, type CosmosDatabase, unless } from './cosmos.database.js';

const toUser = (doc: User): User => ({
  id: doc.id,
  email: doc.email,
  passwordHash: doc.passwordHash,
  role: doc.role,
  createdAt: doc.createdAt,
});

const emailClaim = (email: string) => claimId('email', email);

/**
 * Users by id in `users` (pk /id). E-mail uniqueness: the e-mail's claim in `keys` is created
 * first and carries the user, then the user document is written.
 */
export class CosmosUsersRepository extends UsersRepository {
  private readonly claims: Claims;

  constructor(private readonly cosmos: CosmosDatabase) {
    super();
    this.claims = new Claims(cosmos.keys);
  }

  protected async insert(user: User): Promise<User> {
    const record = toUser(user);
    const claim = await this.claims.take(emailClaim(record.email), [record.email], record);
    if (claim.record.id !== record.id) throw new UniqueViolationError('user-email');
    return this.materialize(record);
  }

  async findById(id: string): Promise<User | null> {
    const { resource } = await this.cosmos.users.item(id, id).read<User>();
    return resource ? toUser(resource) : null;
  }

  protected async findByFoldedEmail(email: string): Promise<User | null> {
    const claim = await this.claims.read<User>(emailClaim(email));
    if (!claim) return null;
    return (await this.findById(claim.record.id)) ?? this.materialize(claim.record);
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
