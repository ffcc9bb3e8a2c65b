import type { Session } from '../../../domain/records.js';
import { SessionsRepository } from '../sessions.repository.js';
import type { MongoDatabase } from './mongo.database.js';
import { fromSessionDoc, toSessionDoc, type SessionDoc } from './mongo.documents.js';

export class MongoSessionsRepository extends SessionsRepository {
  constructor(private readonly mongo: MongoDatabase) {
    super();
  }

  async create(session: Session): Promise<Session> {
    await this.mongo.sessions.insertOne(toSessionDoc(session));
    return session;
  }

  async findByTokenHash(tokenHash: string): Promise<Session | null> {
    const doc = await this.mongo.sessions
      .findOne({ tokenHash: { $eq: tokenHash } })
      .lean<SessionDoc>()
      .exec();
    return doc ? fromSessionDoc(doc) : null;
  }

  /** One `findOneAndUpdate` on "not used, not revoked": the server lets one racer match. */
  async markUsed(session: Pick<Session, 'id'>, now: string): Promise<Session | null> {
    const doc = await this.mongo.sessions
      .findOneAndUpdate(
        { _id: { $eq: session.id }, usedAt: null, revokedAt: null },
        { $set: { usedAt: now, lastUsedAt: now } },
        { returnDocument: 'after' },
      )
      .lean<SessionDoc>()
      .exec();
    return doc ? fromSessionDoc(doc) : null;
  }

  async revokeFamily(familyId: string, now: string): Promise<number> {
    const result = await this.mongo.sessions
      .updateMany({ familyId: { $eq: familyId }, revokedAt: null }, { $set: { revokedAt: now } })
      .exec();
    return result.modifiedCount;
  }

  async revokeAllForUser(userId: string, now: string): Promise<number> {
    const result = await this.mongo.sessions
      .updateMany({ userId: { $eq: userId }, revokedAt: null }, { $set: { revokedAt: now } })
      .exec();
    return result.modifiedCount;
  }

  async isFamilyRevoked(familyId: string): Promise<boolean> {
    const doc = await this.mongo.sessions
      .findOne({ familyId: { $eq: familyId }, revokedAt: { $type: 'string' } }, { _id: 1 })
      .lean()
      .exec();
    return doc !== null;
  }

  async prune(cutoff: string): Promise<number> {
    const expired = await this.mongo.sessions
      .deleteMany({ revokedAt: null, expiresAt: { $lt: cutoff } })
      .exec();
    // $max ranks any string above null: a family's revokedAt is a string when any token has one.
    const ended = await this.mongo.sessions
      .aggregate<{ _id: string }>([
        {
          $group: {
            _id: '$familyId',
            revokedAt: { $max: '$revokedAt' },
            createdAt: { $max: '$createdAt' },
          },
        },
        { $match: { revokedAt: { $type: 'string' }, createdAt: { $lt: cutoff } } },
        { $project: { _id: 1 } },
      ])
      .exec();
    if (ended.length === 0) return expired.deletedCount;
    const families = await this.mongo.sessions
      .deleteMany({ familyId: { $in: ended.map((family) => family._id) } })
      .exec();
    return expired.deletedCount + families.deletedCount;
  }
}
