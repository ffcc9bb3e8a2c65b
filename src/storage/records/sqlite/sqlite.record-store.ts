import { RecordStore } from '../record-store.js';
import type { SqliteDatabase } from './sqlite.database.js';

export class SqliteRecordStore extends RecordStore {
  constructor(private readonly sqlite: SqliteDatabase) {
    super();
  }

  async ping(): Promise<void> {
    this.sqlite.statement('SELECT 1').get();
    this.sqlite.assertRoom();
  }
}
