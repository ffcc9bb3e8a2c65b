/**
 * The record-store contract on the in-memory fakes the unit specs use: a fake that passes it
 * behaves as the real adapters do.
 */
import { buildFakes } from '../support/fakes/index.js';
import { describeRecordStoreContract, type RecordStoreFixture } from './records.contract.js';

describeRecordStoreContract('memory', async () => {
  const { users, jobs, images, schedules, sessions, apiKeys, quota, records } = buildFakes();
  const fixture: RecordStoreFixture = {
    users,
    jobs,
    images,
    schedules,
    sessions,
    apiKeys,
    quota,
    store: records,
    // Another replica on the same memory is the same repositories.
    replica: async () => ({ ...fixture, close: async () => undefined }),
    close: async () => undefined,
  };
  return fixture;
});
