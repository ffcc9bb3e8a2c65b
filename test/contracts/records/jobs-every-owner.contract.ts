/** The jobs port's list of every owner's jobs (admins), asked for by name. */
import { describe, expect, it } from '@jest/globals';

import type { JobsRepository } from '../../../src/storage/records/jobs.repository.js';
import { at, makeJob } from '../../fixtures/records.js';
import { createJobIn } from './jobs.contract.js';
import { collectPages, expectedOrder, idsOf, shuffled } from './paging.js';
import { freshStoreEachTest, type OpenRecordStore } from './record-store.js';

export function describeJobsEveryOwnerContract(open: OpenRecordStore): void {
  describe('jobs of every owner', () => {
    let jobs: JobsRepository;
    freshStoreEachTest(open, (fixture) => ({ jobs } = fixture));

    it('pages through every owner’s jobs newest first (ties by id)', async () => {
      const all = [1, 2, 2, 3, 4, 5, 5].map((s) => makeJob({ createdAt: at(s) }));
      for (const job of shuffled(all)) await jobs.create(job);

      const pages = await collectPages((page) => jobs.list({ everyOwner: true }, page), 3);

      expect(idsOf(pages.flat())).toEqual(expectedOrder(all));
    });

    it('keeps only the jobs in one state', async () => {
      const failed = await createJobIn(jobs, makeJob({ createdAt: at(1) }), 'failed');
      const queued = await createJobIn(jobs, makeJob({ createdAt: at(2) }), 'queued');
      const otherFailed = await createJobIn(jobs, makeJob({ createdAt: at(3) }), 'failed');

      await expect(
        jobs.list({ everyOwner: true, status: 'failed' }, { limit: 10 }).then(idsOf),
      ).resolves.toEqual([otherFailed.id, failed.id]);
      await expect(
        jobs.list({ everyOwner: true, status: 'queued' }, { limit: 10 }).then(idsOf),
      ).resolves.toEqual([queued.id]);
    });
  });
}
