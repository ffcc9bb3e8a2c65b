import { RecordStore } from '../record-store.js';
import type { MongoDatabase } from './mongo.database.js';

export class MongoRecordStore extends RecordStore {
  constructor(private readonly mongo: MongoDatabase) {
    super();
  }

  async ping(): Promise<void> {
    await this.mongo.ping();
  }
}
