import { RecordStore } from '../record-store.js';
import type { CosmosDatabase } from './cosmos.database.js';

export class CosmosRecordStore extends RecordStore {
  constructor(private readonly cosmos: CosmosDatabase) {
    super();
  }

  /** Reads the database: proves the endpoint answers, the key is accepted and init() ran. */
  async ping(): Promise<void> {
    await this.cosmos.database.read();
  }
}
