/**
 * The record-store contract: what every adapter of the records ports (SQLite, MongoDB, Cosmos DB,
 * the in-memory fakes) must do, checked through the ports alone, one suite per port in `records/`.
 * An adapter's spec calls `describeRecordStoreContract` with a function that opens a fresh, empty
 * store; each test opens its own.
 */
import { describe, expect, it } from '@jest/globals';

import { describeApiKeysContract } from './records/api-keys.contract.js';
import { describeImageSearchContract } from './records/images-search.contract.js';
import { describeImagesContract } from './records/images.contract.js';
import { describeJobQueueContract } from './records/job-queue.contract.js';
import { describeJobsEveryOwnerContract } from './records/jobs-every-owner.contract.js';
import { describeJobsContract } from './records/jobs.contract.js';
import { describeQuotaContract } from './records/quota.contract.js';
import type { OpenRecordStore } from './records/record-store.js';
import { describeSchedulesContract } from './records/schedules.contract.js';
import { describeSessionsContract } from './records/sessions.contract.js';
import { describeUsersContract } from './records/users.contract.js';

export type { OpenRecordStore, RecordStoreFixture } from './records/record-store.js';

export function describeRecordStoreContract(name: string, open: OpenRecordStore): void {
  describe(`record store contract: ${name}`, () => {
    it('store.ping() resolves', async () => {
      const fixture = await open();
      try {
        await expect(fixture.store.ping()).resolves.toBeUndefined();
      } finally {
        await fixture.close();
      }
    });

    describeUsersContract(open);
    describeJobsContract(open);
    describeJobQueueContract(open);
    describeImagesContract(open);
    describeImageSearchContract(open);
    describeSchedulesContract(open);
    describeJobsEveryOwnerContract(open);
    describeSessionsContract(open);
    describeApiKeysContract(open);
    describeQuotaContract(open);
  });
}
