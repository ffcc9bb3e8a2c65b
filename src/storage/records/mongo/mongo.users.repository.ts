import { UniqueViolationError, type User } from '../records.js';
import { UsersRepository } from '../users.repository.js';
import type { MongoDatabase } from './mongo.database.js';
import { fromUserDoc, toUserDoc, type UserDoc } from './mongo.documents.js';
import { mayViolate } from './mongo.queries.js';

export class MongoUsersRepository extends UsersRepository {
  constructor(private readonly mongo: MongoDatabase) {
    super();
  }

  async create(user: User): Promise<User> {
    const stored = { ...user, email: user.email.toLowerCase() };
    try {
      await this.mongo.users.insertOne(toUserDoc(stored));
    } catch (error) {
      if (mayViolate(error, ['email']) && (await this.findByEmail(stored.email))) {
        throw new UniqueViolationError('user-email');
      }
      throw error;
    }
    return stored;
  }

  async findById(id: string): Promise<User | null> {
    const doc = await this.mongo.users.findById(id).lean<UserDoc>().exec();
    return doc ? fromUserDoc(doc) : null;
  }

  async findByEmail(email: string): Promise<User | null> {
    const doc = await this.mongo.users
      .findOne({ email: { $eq: email.toLowerCase() } })
      .lean<UserDoc>()
      .exec();
    return doc ? fromUserDoc(doc) : null;
  }
}
