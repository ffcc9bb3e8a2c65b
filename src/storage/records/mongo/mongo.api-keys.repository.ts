import type { ApiKey } from '../../../domain/records.js';
import { ApiKeysRepository } from '../api-keys.repository.js';
import type { MongoDatabase } from './mongo.database.js';
import { fromApiKeyDoc, toApiKeyDoc, type ApiKeyDoc } from './mongo.documents.js';
import { NEWEST_FIRST } from './mongo.queries.js';

export class MongoApiKeysRepository extends ApiKeysRepository {
  constructor(private readonly mongo: MongoDatabase) {
    super();
  }

  async create(key: ApiKey): Promise<ApiKey> {
    await this.mongo.apiKeys.insertOne(toApiKeyDoc(key));
    return key;
  }

  async findById(id: string): Promise<ApiKey | null> {
    const doc = await this.mongo.apiKeys.findById(id).lean<ApiKeyDoc>().exec();
    return doc ? fromApiKeyDoc(doc) : null;
  }

  async listActiveByUser(userId: string): Promise<ApiKey[]> {
    const docs = await this.mongo.apiKeys
      .find({ userId: { $eq: userId }, revokedAt: null })
      .sort(NEWEST_FIRST)
      .lean<ApiKeyDoc[]>()
      .exec();
    return docs.map(fromApiKeyDoc);
  }

  async touch(id: string, now: string): Promise<void> {
    await this.mongo.apiKeys.updateOne({ _id: { $eq: id } }, { $set: { lastUsedAt: now } }).exec();
  }

  async revoke(id: string, userId: string, now: string): Promise<boolean> {
    const result = await this.mongo.apiKeys
      .updateOne(
        { _id: { $eq: id }, userId: { $eq: userId }, revokedAt: null },
        { $set: { revokedAt: now } },
      )
      .exec();
    return result.modifiedCount > 0;
  }
}
