import type { PageRequest } from '../../../common/cursor.js';
import { UniqueViolationError, type User } from '../../../domain/records.js';
import { UsersRepository, type UserFilter, type UserPatch } from '../users.repository.js';
import type { MongoDatabase } from './mongo.database.js';
import { fromUserDoc, toUserDoc, type UserDoc } from './mongo.documents.js';
import { mayViolate, userListFilter } from './mongo.queries.js';
import { newestFirstPage } from './mongo.reads.js';

export class MongoUsersRepository extends UsersRepository {
  constructor(private readonly mongo: MongoDatabase) {
    super();
  }

  protected async insert(user: User): Promise<User> {
    try {
      await this.mongo.users.insertOne(toUserDoc(user));
    } catch (error) {
      if (mayViolate(error, ['email']) && (await this.findByFoldedEmail(user.email))) {
        throw new UniqueViolationError('user-email');
      }
      throw error;
    }
    return user;
  }

  async findById(id: string): Promise<User | null> {
    const doc = await this.mongo.users.findById(id).lean<UserDoc>().exec();
    return doc ? fromUserDoc(doc) : null;
  }

  protected async findByFoldedEmail(email: string): Promise<User | null> {
    const doc = await this.mongo.users
      .findOne({ email: { $eq: email } })
      .lean<UserDoc>()
      .exec();
    return doc ? fromUserDoc(doc) : null;
  }

  async update(id: string, patch: UserPatch): Promise<User | null> {
    const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const doc = await this.mongo.users
      .findOneAndUpdate({ _id: { $eq: id } }, { $set: set }, { returnDocument: 'after' })
      .lean<UserDoc>()
      .exec();
    return doc ? fromUserDoc(doc) : null;
  }

  protected async listMatching(filter: UserFilter, page: PageRequest): Promise<User[]> {
    const where = userListFilter(filter, page.after);
    return newestFirstPage(this.mongo.users, where, page.limit, fromUserDoc);
  }
}
