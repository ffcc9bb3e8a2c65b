/**
 * The jobs port as a store of records: create (with idempotency keys and schedule slots), find,
 * list, count, and the image ids a job keeps. Its queue (claims, transitions, recovery) is
 * `job-queue.contract.ts`.
 */
import { describe, expect, it } from '@jest/globals';

import { newId } from '../../../src/common/ids.js';
import type { JobsRepository } from '../../../src/storage/records/jobs.repository.js';
import type { GenerationJob, JobStatus } from '../../../src/domain/records.js';
import { at, makeJob } from '../../fixtures/records.js';
import { collectPages, expectedOrder, idsOf, shuffled } from './paging.js';
import { freshStoreEachTest, type OpenRecordStore } from './record-store.js';

/** Creates a queued job and moves it to `status` through the port. */
export async function createJobIn(
  jobs: JobsRepository,
  job: GenerationJob,
  status: JobStatus,
): Promise<GenerationJob> {
  await jobs.create(job);
  if (status === 'queued') return job;
  const moved = await jobs.transition({
    id: job.id,
    from: 'queued',
    patch: { status },
    now: job.createdAt,
  });
  if (!moved) throw new Error(`could not move ${job.id} to ${status}`);
  return moved;
}

export function describeJobsContract(open: OpenRecordStore): void {
  describe('jobs', () => {
    let jobs: JobsRepository;
    freshStoreEachTest(open, (fixture) => ({ jobs } = fixture));
    const createIn = (job: GenerationJob, status: JobStatus) => createJobIn(jobs, job, status);

    describe('create and findById', () => {
      it('round-trips every field, set', async () => {
        const job = makeJob({
          request: {
            strategy: 'literal',
            theme: null,
            prompt: 'a "quoted" prompt — with ünïcödé, emoji 🦊 and\nnewlines',
            negativePrompt: 'blurry, low quality',
            provider: 'openai',
            model: 'gpt-image-1',
            size: '1024x768',
            n: 4,
            seed: 2_147_483_000,
            visibility: 'private',
            tags: ['portrait', 'fox', 'ünï'],
            quality: null,
            style: null,
          },
          lineage: {
            strategy: 'literal',
            theme: null,
            prompt: 'a "quoted" prompt',
            revisedPrompt: 'a quoted prompt, revised',
          },
          attempts: 2,
          error: { code: 'rate_limited', message: 'Slow down: 429', retryable: true },
          imageIds: [newId(), newId()],
          idempotencyKey: 'key-1',
          requestHash: 'f'.repeat(64),
          scheduleId: newId(),
          slot: '2026-11-22T10:00:00.000Z',
          workerId: 'replica-1:worker-3',
          createdAt: at(1),
          updatedAt: at(2),
          startedAt: at(3),
          finishedAt: at(4),
          heartbeatAt: at(5),
          runAfter: at(6),
        });

        await expect(jobs.create(job)).resolves.toEqual({ job, created: true });
        await expect(jobs.findById(job.id)).resolves.toEqual(job);
      });

      it('round-trips every field, nulls and empties', async () => {
        const job = makeJob();

        await expect(jobs.create(job)).resolves.toEqual({ job, created: true });
        const found = await jobs.findById(job.id);

        expect(found).toEqual(job);
        expect(found?.error).toBeNull();
        expect(found?.imageIds).toEqual([]);
        expect(found?.startedAt).toBeNull();
      });

      it('returns null for an unknown id', async () => {
        await jobs.create(makeJob());

        await expect(jobs.findById(newId())).resolves.toBeNull();
      });
    });

    describe('idempotency', () => {
      it('returns the first job, and writes nothing, when the owner reuses a key', async () => {
        const first = makeJob({ idempotencyKey: 'k', requestHash: 'a'.repeat(64) });
        await jobs.create(first);
        const second = makeJob({
          ownerId: first.ownerId,
          idempotencyKey: 'k',
          requestHash: 'b'.repeat(64),
          createdAt: at(10),
        });

        await expect(jobs.create(second)).resolves.toEqual({ job: first, created: false });
        await expect(jobs.findById(second.id)).resolves.toBeNull();
        await expect(
          jobs.list({ ownerId: first.ownerId }, { limit: 10 }).then(idsOf),
        ).resolves.toEqual([first.id]);
      });

      it('lets another owner use the same key', async () => {
        const first = makeJob({ idempotencyKey: 'k' });
        const other = makeJob({ idempotencyKey: 'k' });
        await jobs.create(first);

        await expect(jobs.create(other)).resolves.toEqual({ job: other, created: true });
        await expect(jobs.findById(other.id)).resolves.toEqual(other);
      });

      it('creates jobs without a key freely', async () => {
        const ownerId = newId();
        const a = makeJob({ ownerId });
        const b = makeJob({ ownerId });

        await expect(jobs.create(a)).resolves.toMatchObject({ created: true });
        await expect(jobs.create(b)).resolves.toMatchObject({ created: true });
        await expect(jobs.countActive(ownerId)).resolves.toBe(2);
      });

      it('returns the first job for a schedule slot that already has one', async () => {
        const scheduleId = newId();
        const slot = '2026-11-22T10:00:00.000Z';
        const first = makeJob({ scheduleId, slot });
        await jobs.create(first);
        const second = makeJob({ ownerId: first.ownerId, scheduleId, slot, createdAt: at(1) });

        await expect(jobs.create(second)).resolves.toEqual({ job: first, created: false });
        await expect(jobs.findById(second.id)).resolves.toBeNull();

        const nextSlot = makeJob({ scheduleId, slot: '2026-11-22T11:00:00.000Z' });
        await expect(jobs.create(nextSlot)).resolves.toEqual({ job: nextSlot, created: true });
      });

      it('finds a job by (owner, idempotency key)', async () => {
        const job = makeJob({ idempotencyKey: 'key-7' });
        await jobs.create(job);
        await jobs.create(makeJob({ idempotencyKey: 'key-8', ownerId: job.ownerId }));

        await expect(jobs.findByIdempotencyKey(job.ownerId, 'key-7')).resolves.toEqual(job);
        await expect(jobs.findByIdempotencyKey(newId(), 'key-7')).resolves.toBeNull();
        await expect(jobs.findByIdempotencyKey(job.ownerId, 'key-9')).resolves.toBeNull();
      });
    });

    describe('list', () => {
      it('pages newest first with a keyset cursor, missing and repeating nothing', async () => {
        const ownerId = newId();
        const all = [0, 1, 2, 3, 4, 5, 6].map((i) => makeJob({ ownerId, createdAt: at(i) }));
        for (const job of shuffled(all)) await jobs.create(job);

        const pages = await collectPages((page) => jobs.list({ ownerId }, page), 3);

        expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
        expect(idsOf(pages.flat())).toEqual(expectedOrder(all));
        expect(pages.flat()[0]).toEqual(all[6]);
      });

      it('orders jobs with the same createdAt by id, descending, and pages across them', async () => {
        const ownerId = newId();
        const tied = [0, 1, 2, 3, 4].map(() => makeJob({ ownerId, createdAt: at(5) }));
        const older = makeJob({ ownerId, createdAt: at(1) });
        const newer = makeJob({ ownerId, createdAt: at(9) });
        const all = [...tied, older, newer];
        for (const job of shuffled(all)) await jobs.create(job);

        const expected = [newer.id, ...idsOf(tied).sort().reverse(), older.id];
        await expect(jobs.list({ ownerId }, { limit: 10 }).then(idsOf)).resolves.toEqual(expected);
        for (const limit of [1, 2, 3]) {
          const pages = await collectPages((page) => jobs.list({ ownerId }, page), limit);
          expect(idsOf(pages.flat())).toEqual(expected);
        }
      });

      it('filters by status and shows only the owner’s jobs', async () => {
        const ownerId = newId();
        const queued = await createIn(makeJob({ ownerId, createdAt: at(1) }), 'queued');
        const failed = await createIn(makeJob({ ownerId, createdAt: at(2) }), 'failed');
        const queued2 = await createIn(makeJob({ ownerId, createdAt: at(3) }), 'queued');
        const succeeded = await createIn(makeJob({ ownerId, createdAt: at(4) }), 'succeeded');
        await createIn(makeJob({ createdAt: at(5) }), 'queued');
        await createIn(makeJob({ createdAt: at(6) }), 'failed');

        await expect(jobs.list({ ownerId }, { limit: 10 }).then(idsOf)).resolves.toEqual([
          succeeded.id,
          queued2.id,
          failed.id,
          queued.id,
        ]);
        await expect(
          jobs.list({ ownerId, status: 'queued' }, { limit: 10 }).then(idsOf),
        ).resolves.toEqual([queued2.id, queued.id]);
        await expect(
          jobs.list({ ownerId, status: 'failed' }, { limit: 10 }).then(idsOf),
        ).resolves.toEqual([failed.id]);
        await expect(jobs.list({ ownerId, status: 'running' }, { limit: 10 })).resolves.toEqual([]);
        await expect(jobs.list({ ownerId: newId() }, { limit: 10 })).resolves.toEqual([]);
      });

      it('pages within a status filter', async () => {
        const ownerId = newId();
        const queued: GenerationJob[] = [];
        for (let i = 0; i < 7; i++) {
          const job = makeJob({ ownerId, createdAt: at(i) });
          await createIn(job, i % 2 === 0 ? 'queued' : 'canceled');
          if (i % 2 === 0) queued.push(job);
        }

        const pages = await collectPages(
          (page) => jobs.list({ ownerId, status: 'queued' }, page),
          2,
        );

        expect(idsOf(pages.flat())).toEqual(expectedOrder(queued));
      });
    });

    it('countActive counts the owner’s queued and running jobs only', async () => {
      const ownerId = newId();
      await createIn(makeJob({ ownerId, createdAt: at(1) }), 'queued');
      await createIn(makeJob({ ownerId, createdAt: at(2) }), 'queued');
      await createIn(makeJob({ ownerId, createdAt: at(3) }), 'running');
      await createIn(makeJob({ ownerId, createdAt: at(4) }), 'succeeded');
      await createIn(makeJob({ ownerId, createdAt: at(5) }), 'failed');
      await createIn(makeJob({ ownerId, createdAt: at(6) }), 'canceled');
      await createIn(makeJob({ createdAt: at(7) }), 'queued');
      await createIn(makeJob({ createdAt: at(8) }), 'running');

      await expect(jobs.countActive(ownerId)).resolves.toBe(3);
      await expect(jobs.countActive(newId())).resolves.toBe(0);
    });

    describe('removeImageId', () => {
      it('takes one image id out of a job, whatever its status, and leaves the rest', async () => {
        const [a, b, c] = [newId(), newId(), newId()];
        const job = await createIn(makeJob({ createdAt: at(1) }), 'succeeded');
        const done = await jobs.transition({
          id: job.id,
          from: 'succeeded',
          patch: { imageIds: [a, b, c] },
          now: at(2),
        });
        const other = await createIn(makeJob({ createdAt: at(3), imageIds: [b] }), 'failed');

        await expect(jobs.removeImageId(job.id, b, at(5))).resolves.toEqual({
          ...done,
          imageIds: [a, c],
          updatedAt: at(5),
        });
        await expect(jobs.findById(job.id)).resolves.toMatchObject({
          status: 'succeeded',
          imageIds: [a, c],
        });
        await expect(jobs.findById(other.id)).resolves.toEqual(other);
      });

      it('changes nothing when the id is not there, and returns null for a missing job', async () => {
        const job = await createIn(makeJob({ createdAt: at(1), imageIds: [newId()] }), 'running');

        await expect(jobs.removeImageId(job.id, newId(), at(5))).resolves.toEqual(job);
        await expect(jobs.findById(job.id)).resolves.toEqual(job);
        await expect(jobs.removeImageId(newId(), newId(), at(5))).resolves.toBeNull();
      });

      it('loses no removal when several run at once', async () => {
        const ids = [newId(), newId(), newId(), newId()];
        const job = await createIn(makeJob({ createdAt: at(1), imageIds: ids }), 'succeeded');

        await Promise.all(ids.slice(0, 3).map((id) => jobs.removeImageId(job.id, id, at(5))));

        await expect(jobs.findById(job.id)).resolves.toMatchObject({ imageIds: [ids[3]] });
      });
    });
  });

  describe('schedule runs (jobs by schedule)', () => {
    let jobs: JobsRepository;
    freshStoreEachTest(open, (fixture) => ({ jobs } = fixture));

    it('one job per (schedule, slot), whoever creates it first; runs listed newest first', async () => {
      const scheduleId = newId();
      const slots = [at(60), at(120), at(180)];
      for (const [i, slot] of slots.entries()) {
        const racers = await Promise.all(
          [1, 2, 3].map(() =>
            jobs.create(makeJob({ scheduleId, slot, createdAt: at(60 * (i + 1)) })),
          ),
        );
        expect(racers.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(racers.map((r) => r.job.id)).size).toBe(1);
      }
      await jobs.create(makeJob({ scheduleId: newId(), slot: slots[0] }));
      const runs = await jobs.list({ scheduleId }, { limit: 10 });
      expect(runs.map((j) => j.slot)).toEqual([...slots].reverse());
      const page = await jobs.list(
        { scheduleId },
        { limit: 1, after: { createdAt: runs[0].createdAt, id: runs[0].id } },
      );
      expect(page.map((j) => j.slot)).toEqual([slots[1]]);
    });

    it('lists one owner’s runs of a schedule when asked by both', async () => {
      const scheduleId = newId();
      const owner = newId();
      const mine = [1, 2, 3].map((i) =>
        makeJob({ ownerId: owner, scheduleId, slot: at(60 * i), createdAt: at(60 * i) }),
      );
      const theirs = makeJob({ scheduleId, slot: at(240), createdAt: at(240) });
      const elsewhere = makeJob({ ownerId: owner, scheduleId: newId(), slot: at(60) });
      for (const job of [...mine, theirs, elsewhere]) await jobs.create(job);

      const runs = await jobs.list({ ownerId: owner, scheduleId }, { limit: 10 });
      expect(idsOf(runs)).toEqual(expectedOrder(mine));
      const pages = await collectPages(
        (page) => jobs.list({ ownerId: owner, scheduleId }, page),
        2,
      );
      expect(idsOf(pages.flat())).toEqual(expectedOrder(mine));
      await expect(jobs.list({ ownerId: newId(), scheduleId }, { limit: 10 })).resolves.toEqual([]);
    });

    it('keeps providerRef on the job', async () => {
      const { job } = await jobs.create(makeJob());
      const claimed = await jobs.claimNext('w', at(3600));
      expect(claimed?.id).toBe(job.id);
      const updated = await jobs.transition({
        id: job.id,
        from: 'running',
        workerId: 'w',
        patch: { providerRef: 'pred_123' },
        now: at(3601),
      });
      expect(updated?.providerRef).toBe('pred_123');
      await expect(jobs.findById(job.id)).resolves.toMatchObject({ providerRef: 'pred_123' });
    });
  });
}
