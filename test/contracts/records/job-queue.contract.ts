/**
 * The jobs port as a queue: claims (also by two replicas of the service racing on one store),
 * compare-and-set transitions, and finding and re-queueing jobs whose worker stopped beating.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import { newId } from '../../../src/common/ids.js';
import { loadConfig } from '../../../src/config/app-config.js';
import { GenerationEvents } from '../../../src/generations/generation-events.js';
import { JobLifecycle } from '../../../src/generations/job-lifecycle.js';
import type { JobPatch, JobsRepository } from '../../../src/storage/records/jobs.repository.js';
import type { GenerationJob, JobStatus } from '../../../src/domain/records.js';
import { at, makeJob } from '../../fixtures/records.js';
import { createJobIn } from './jobs.contract.js';
import { idsOf } from './paging.js';
import {
  freshStoreEachTest,
  type OpenRecordStore,
  type RecordStoreFixture,
} from './record-store.js';

export function describeJobQueueContract(open: OpenRecordStore): void {
  describe('jobs', () => {
    let jobs: JobsRepository;
    const store = freshStoreEachTest(open, (fixture) => ({ jobs } = fixture));
    const createIn = (job: GenerationJob, status: JobStatus) => createJobIn(jobs, job, status);

    describe('claimNext', () => {
      it('claims the oldest runnable queued job for the worker and counts an attempt', async () => {
        const oldest = makeJob({ createdAt: at(1), attempts: 2 });
        const middle = makeJob({ createdAt: at(2) });
        const newest = makeJob({ createdAt: at(3) });
        for (const job of [newest, oldest, middle]) await jobs.create(job);

        const claimed = await jobs.claimNext('worker-1', at(10));

        expect(claimed).toEqual({
          ...oldest,
          status: 'running',
          workerId: 'worker-1',
          heartbeatAt: at(10),
          startedAt: at(10),
          updatedAt: at(10),
          attempts: 3,
        });
        await expect(jobs.findById(oldest.id)).resolves.toEqual(claimed);
        await expect(jobs.claimNext('worker-2', at(11))).resolves.toMatchObject({
          id: middle.id,
          workerId: 'worker-2',
          attempts: 1,
        });
        await expect(jobs.claimNext('worker-1', at(12))).resolves.toMatchObject({
          id: newest.id,
        });
        await expect(jobs.claimNext('worker-1', at(13))).resolves.toBeNull();
      });

      it('skips jobs whose runAfter is in the future, and takes them once it has come', async () => {
        const backingOff = makeJob({ createdAt: at(1), runAfter: at(100) });
        const dueNow = makeJob({ createdAt: at(2), runAfter: at(10) });
        await jobs.create(backingOff);
        await jobs.create(dueNow);

        await expect(jobs.claimNext('w', at(10))).resolves.toMatchObject({ id: dueNow.id });
        await expect(jobs.claimNext('w', at(50))).resolves.toBeNull();
        await expect(jobs.findById(backingOff.id)).resolves.toEqual(backingOff);
        await expect(jobs.claimNext('w', at(100))).resolves.toMatchObject({
          id: backingOff.id,
          status: 'running',
        });
      });

      it('returns null when there is nothing queued', async () => {
        await expect(jobs.claimNext('w', at(10))).resolves.toBeNull();

        await createIn(makeJob({ createdAt: at(1) }), 'succeeded');
        await createIn(makeJob({ createdAt: at(2) }), 'running');
        await createIn(makeJob({ createdAt: at(3) }), 'canceled');

        await expect(jobs.claimNext('w', at(10))).resolves.toBeNull();
      });

      it('never gives one job to two concurrent claimers', async () => {
        const all = Array.from({ length: 20 }, (_, i) => makeJob({ createdAt: at(i) }));
        for (const job of all) await jobs.create(job);

        const claimer = async (workerId: string): Promise<GenerationJob[]> => {
          const claimed: GenerationJob[] = [];
          for (;;) {
            const job = await jobs.claimNext(workerId, at(100));
            if (!job) return claimed;
            claimed.push(job);
          }
        };
        const byWorker = await Promise.all(
          Array.from({ length: 10 }, (_, i) => claimer(`worker-${i}`)),
        );

        const claimedIds = byWorker.flat().map((job) => job.id);
        expect([...claimedIds].sort()).toEqual(idsOf(all).sort());
        for (const [i, claimed] of byWorker.entries()) {
          for (const job of claimed) {
            await expect(jobs.findById(job.id)).resolves.toMatchObject({
              status: 'running',
              workerId: `worker-${i}`,
              attempts: 1,
            });
          }
        }
      });

      it('never gives one job to two replicas racing on one store', async () => {
        const replicas = [store(), await store().replica()];
        try {
          const all = Array.from({ length: 40 }, (_, i) => makeJob({ createdAt: at(i) }));
          for (const [i, job] of all.entries()) await replicas[i % 2].jobs.create(job);
          const workers = replicas.flatMap((replica, r) =>
            [0, 1, 2].map((w) => ({ replica, workerId: `r${r}-w${w}` })),
          );

          const claimer = async (replica: RecordStoreFixture, workerId: string) => {
            const claimed: GenerationJob[] = [];
            for (;;) {
              const job = await replica.jobs.claimNext(workerId, at(100));
              if (!job) return claimed;
              claimed.push(job);
              // Let the other replica in between claims.
              await new Promise((resolve) => setImmediate(resolve));
            }
          };
          const byWorker = await Promise.all(
            workers.map(({ replica, workerId }) => claimer(replica, workerId)),
          );

          const claimedIds = byWorker.flat().map((job) => job.id);
          expect(claimedIds).toHaveLength(all.length);
          expect([...claimedIds].sort()).toEqual(idsOf(all).sort());
          for (const replica of replicas) {
            const ofReplica = byWorker.filter((_, w) => workers[w].replica === replica);
            expect(ofReplica.flat().length).toBeGreaterThan(0);
          }
          for (const [w, claimed] of byWorker.entries()) {
            for (const job of claimed) {
              await expect(replicas[0].jobs.findById(job.id)).resolves.toMatchObject({
                status: 'running',
                workerId: workers[w].workerId,
                attempts: 1,
              });
            }
          }
        } finally {
          await replicas[1].close();
        }
      });
    });

    describe('transition', () => {
      it('applies every patch field when the job is in the expected status and worker', async () => {
        await jobs.create(makeJob({ createdAt: at(1) }));
        const running = (await jobs.claimNext('worker-1', at(10)))!;
        const patch: JobPatch = {
          status: 'failed',
          lineage: {
            strategy: 'random',
            theme: 'sea',
            prompt: 'a calm sea',
            revisedPrompt: 'a calm sea at dawn',
          },
          error: { code: 'provider_error', message: 'upstream 503', retryable: true },
          imageIds: [newId(), newId()],
          finishedAt: at(20),
          runAfter: at(30),
          workerId: null,
          heartbeatAt: null,
          attempts: 5,
        };

        const failed = await jobs.transition({
          id: running.id,
          from: 'running',
          workerId: 'worker-1',
          patch,
          now: at(20),
        });

        expect(failed).toEqual({ ...running, ...patch, updatedAt: at(20) });
        await expect(jobs.findById(running.id)).resolves.toEqual(failed);

        // Back again, without a worker guard: nulls become values and values become null.
        const patch2: JobPatch = {
          status: 'queued',
          error: null,
          imageIds: [],
          finishedAt: null,
          workerId: 'worker-9',
          heartbeatAt: at(40),
        };
        const requeued = await jobs.transition({
          id: running.id,
          from: 'failed',
          patch: patch2,
          now: at(40),
        });

        expect(requeued).toEqual({ ...failed, ...patch2, updatedAt: at(40) });
        await expect(jobs.findById(running.id)).resolves.toEqual(requeued);
      });

      it('leaves fields the patch does not name as they were', async () => {
        const job = makeJob({
          createdAt: at(1),
          error: { code: 'provider_error', message: 'm', retryable: false },
          imageIds: [newId()],
        });
        await jobs.create(job);

        const canceled = await jobs.transition({
          id: job.id,
          from: 'queued',
          patch: { status: 'canceled' },
          now: at(5),
        });

        expect(canceled).toEqual({ ...job, status: 'canceled', updatedAt: at(5) });
      });

      it('returns null and changes nothing from a wrong status, worker or id', async () => {
        await jobs.create(makeJob({ createdAt: at(1) }));
        const running = (await jobs.claimNext('worker-1', at(10)))!;
        const patch: JobPatch = { status: 'succeeded', finishedAt: at(20), imageIds: [newId()] };

        const { id } = running;
        const now = at(20);
        await expect(jobs.transition({ id, from: 'queued', patch, now })).resolves.toBeNull();
        await expect(
          jobs.transition({ id, from: 'queued', workerId: 'worker-1', patch, now }),
        ).resolves.toBeNull();
        await expect(
          jobs.transition({ id, from: 'running', workerId: 'worker-2', patch, now }),
        ).resolves.toBeNull();
        await expect(
          jobs.transition({ id: newId(), from: 'running', patch, now }),
        ).resolves.toBeNull();
        await expect(jobs.findById(id)).resolves.toEqual(running);

        const held = { id, from: 'running', workerId: 'worker-1', patch } as const;
        await expect(jobs.transition({ ...held, now: at(21) })).resolves.toMatchObject({
          status: 'succeeded',
          updatedAt: at(21),
        });
        // The same compare-and-set a second time finds the job moved on.
        await expect(jobs.transition({ ...held, now: at(22) })).resolves.toBeNull();
      });
    });

    describe('transition with a heartbeat guard', () => {
      it('applies only while the job still holds the heartbeat it was read with', async () => {
        await jobs.create(makeJob({ createdAt: at(1) }));
        const running = (await jobs.claimNext('worker-1', at(10)))!;

        const held = { id: running.id, from: 'running', workerId: 'worker-1' } as const;
        const beat = await jobs.transition({
          ...held,
          heartbeatAt: at(10),
          patch: { heartbeatAt: at(20) },
          now: at(20),
        });

        expect(beat).toEqual({ ...running, heartbeatAt: at(20), updatedAt: at(20) });
        // Read at the old heartbeat: the job has beaten since, so its worker is alive.
        await expect(
          jobs.transition({
            ...held,
            heartbeatAt: at(10),
            patch: { status: 'queued' },
            now: at(21),
          }),
        ).resolves.toBeNull();
        await expect(jobs.findById(running.id)).resolves.toEqual(beat);
      });
    });

    describe('a stale job moved back to the queue', () => {
      it('goes back only while it holds the heartbeat it was listed with, and is claimable again', async () => {
        const stale = makeJob({ createdAt: at(0) });
        const beating = makeJob({ createdAt: at(1) });
        for (const job of [stale, beating]) await jobs.create(job);
        // Claims take the oldest first: heartbeats at 10 and 20.
        await jobs.claimNext('worker-1', at(10));
        await jobs.claimNext('worker-2', at(20));
        const listed = await jobs.listStale(at(30));
        expect(idsOf(listed).sort()).toEqual(idsOf([stale, beating]).sort());
        // The second one's worker beats after the listing: it is alive after all.
        const beat = await jobs.transition({
          id: beating.id,
          from: 'running',
          workerId: 'worker-2',
          patch: { heartbeatAt: at(35) },
          now: at(35),
        });
        const requeue = (job: GenerationJob) =>
          jobs.transition({
            id: job.id,
            from: 'running',
            workerId: job.workerId ?? undefined,
            heartbeatAt: job.heartbeatAt ?? undefined,
            patch: { status: 'queued', workerId: null, heartbeatAt: null },
            now: at(60),
          });

        const moved = await Promise.all(listed.map(requeue));

        expect(moved.filter(Boolean).map((job) => job!.id)).toEqual([stale.id]);
        await expect(jobs.findById(stale.id)).resolves.toMatchObject({
          status: 'queued',
          attempts: 1,
          workerId: null,
          heartbeatAt: null,
        });
        await expect(jobs.findById(beating.id)).resolves.toEqual(beat);
        // The re-queued job is claimable again, as a new attempt.
        await expect(jobs.claimNext('worker-4', at(70))).resolves.toMatchObject({
          id: stale.id,
          workerId: 'worker-4',
          heartbeatAt: at(70),
          attempts: 2,
        });
      });
    });

    describe('claim (a named job)', () => {
      it('claims the named queued job, due or not, for the worker and counts an attempt', async () => {
        const older = makeJob({ createdAt: at(1) });
        const named = makeJob({ createdAt: at(2), runAfter: at(100), attempts: 1 });
        for (const job of [older, named]) await jobs.create(job);

        const claimed = await jobs.claim(named.id, 'worker-1', at(10));

        expect(claimed).toEqual({
          ...named,
          status: 'running',
          workerId: 'worker-1',
          heartbeatAt: at(10),
          startedAt: at(10),
          updatedAt: at(10),
          attempts: 2,
        });
        await expect(jobs.findById(named.id)).resolves.toEqual(claimed);
        await expect(jobs.findById(older.id)).resolves.toEqual(older);
      });

      it('returns null, changing nothing, for a job that is not queued or not there', async () => {
        const running = await createIn(makeJob({ createdAt: at(1) }), 'running');
        const done = await createIn(makeJob({ createdAt: at(2) }), 'succeeded');
        const canceled = await createIn(makeJob({ createdAt: at(3) }), 'canceled');

        for (const job of [running, done, canceled]) {
          await expect(jobs.claim(job.id, 'w', at(10))).resolves.toBeNull();
          await expect(jobs.findById(job.id)).resolves.toEqual(job);
        }
        await expect(jobs.claim(newId(), 'w', at(10))).resolves.toBeNull();
      });

      it('gives one job to one of many concurrent claimers', async () => {
        const job = makeJob({ createdAt: at(1) });
        await jobs.create(job);

        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => jobs.claim(job.id, `worker-${i}`, at(10))),
        );

        const winners = results.filter((r): r is GenerationJob => r !== null);
        expect(winners).toHaveLength(1);
        await expect(jobs.findById(job.id)).resolves.toMatchObject({
          status: 'running',
          workerId: winners[0].workerId,
          attempts: 1,
        });
      });
    });

    describe('queueStats', () => {
      const forProvider = (provider: string, overrides: Partial<GenerationJob> = {}) => {
        const job = makeJob(overrides);
        return { ...job, request: { ...job.request, provider } };
      };

      it('counts queued and running jobs per provider, with the earliest due queued time', async () => {
        await jobs.create(forProvider('openai', { createdAt: at(1), runAfter: at(5) }));
        await jobs.create(forProvider('openai', { createdAt: at(2), runAfter: at(3) }));
        // Backing off until later: counted, but not yet due.
        await jobs.create(forProvider('openai', { createdAt: at(0), runAfter: at(500) }));
        await createIn(forProvider('openai', { createdAt: at(4) }), 'running');
        await createIn(forProvider('offline', { createdAt: at(5) }), 'running');
        await createIn(forProvider('offline', { createdAt: at(6) }), 'succeeded');
        await createIn(forProvider('replicate', { createdAt: at(7) }), 'failed');

        await expect(jobs.queueStats(at(10))).resolves.toEqual([
          { provider: 'offline', queued: 0, running: 1, oldestDueAt: null },
          { provider: 'openai', queued: 3, running: 1, oldestDueAt: at(3) },
        ]);
      });

      it('is empty when nothing is queued or running', async () => {
        await createIn(makeJob({ createdAt: at(1) }), 'succeeded');

        await expect(jobs.queueStats(at(10))).resolves.toEqual([]);
      });
    });

    describe('attempts across crashes (JobLifecycle on this store)', () => {
      const STALE_AFTER_MS = 60_000;
      let lifecycle: JobLifecycle;
      const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

      beforeEach(() => {
        const config = loadConfig({
          JWT_SECRET: 'a-test-secret-that-is-long-enough-for-the-check',
          GENERATION_MAX_ATTEMPTS: '2',
          GENERATION_STALE_AFTER_MS: String(STALE_AFTER_MS),
        });
        lifecycle = new JobLifecycle(jobs, new GenerationEvents(), config.generation);
      });

      /** The worker holding the job dies: its heartbeat stopped long enough ago to be stale. */
      const dies = (job: GenerationJob) =>
        jobs.transition({
          id: job.id,
          from: 'running',
          workerId: job.workerId ?? undefined,
          patch: { heartbeatAt: ago(2 * STALE_AFTER_MS) },
          now: ago(2 * STALE_AFTER_MS),
        });

      it('a stale re-queue keeps the attempt counted, and the next start counts another', async () => {
        const { job } = await lifecycle.enqueue({ ownerId: newId(), request: makeJob().request });
        await dies((await lifecycle.claim('worker-1'))!);

        await expect(lifecycle.requeueStale()).resolves.toHaveLength(1);
        await expect(jobs.findById(job.id)).resolves.toMatchObject({
          status: 'queued',
          attempts: 1,
          workerId: null,
        });
        await expect(lifecycle.claim('worker-2')).resolves.toMatchObject({
          id: job.id,
          attempts: 2,
        });
      });

      it('a worker that dies on the last attempt leaves the job failed with `crashed`', async () => {
        const { job } = await lifecycle.enqueue({ ownerId: newId(), request: makeJob().request });
        await dies((await lifecycle.claim('worker-1'))!);
        await lifecycle.requeueStale();
        await dies((await lifecycle.claimJob(job.id, 'worker-2'))!);

        await expect(lifecycle.requeueStale()).resolves.toHaveLength(1);

        const failed = await jobs.findById(job.id);
        expect(failed).toMatchObject({
          status: 'failed',
          attempts: 2,
          workerId: null,
          error: { code: 'crashed', retryable: false },
        });
        await expect(lifecycle.claim('worker-3')).resolves.toBeNull();
        await expect(lifecycle.claimJob(job.id, 'worker-3')).resolves.toBeNull();
      });
    });

    describe('listStale', () => {
      it('lists exactly the running jobs whose heartbeat is older than the cutoff, moving none', async () => {
        const all = [0, 1, 2, 3].map((i) => makeJob({ createdAt: at(i) }));
        for (const job of all) await jobs.create(job);
        await createIn(makeJob({ createdAt: at(4), runAfter: at(1000) }), 'succeeded');
        // Claims take the oldest first: heartbeats at 10, 30 and 50; the fourth stays queued.
        const running = [
          (await jobs.claimNext('worker-1', at(10)))!,
          (await jobs.claimNext('worker-2', at(30)))!,
          (await jobs.claimNext('worker-3', at(50)))!,
        ];
        const stale = (cutoff: string) =>
          jobs.listStale(cutoff).then((found) => idsOf(found).sort());

        await expect(jobs.listStale(at(30))).resolves.toEqual([running[0]]);
        await expect(stale(at(51))).resolves.toEqual(idsOf(running).sort());
        await expect(jobs.listStale(at(10))).resolves.toEqual([]);
        for (const job of running) await expect(jobs.findById(job.id)).resolves.toEqual(job);
      });
    });
  });
}
