import { RecordStore } from '../../../src/storage/records/record-store.js';

/** Memory always answers. */
export class InMemoryRecordStore extends RecordStore {
  async ping(): Promise<void> {}
}
