/**
 * JobLifecycle on the in-memory jobs fake: each outcome's change, its compare-and-set (nothing
 * written and nothing published once the job moved on), and the event each change publishes.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Subscription } from 'rxjs';

import { makeJob } from '../../test/fixtures/records.js';
import { InMemoryJobsRepository } from '../../test/support/fakes/index.js';
import { loadConfig } from '../config/app-config.js';
import type { GenerationJob, JobError } from '../domain/records.js';
import { GenerationEvents } from './generation-events.js';
import { JobLifecycle, type NewJob } from './job-lifecycle.js';

const RETRY_BASE_MS = 1000;
const STALE_AFTER_MS = 60_000;
const providerError: JobError = { code: 'provider_error', message: 'HTTP 503', retryable: true };

/** The jobs fake, with a hook that runs after `listStale` has read (to race it). */
class RacedJobsRepository extends InMemoryJobsRepository {
  afterListStale?: (stale: GenerationJob[]) => Promise<void>;
  override async listStale(staleBefore: string): Promise<GenerationJob[]> {
    const stale = await super.listStale(staleBefore);
    await this.afterListStale?.(stale);
    return stale;
  }
}

describe('JobLifecycle', () => {
  let jobs: RacedJobsRepository;
  let lifecycle: JobLifecycle;
  let published: GenerationJob[];
  let events: GenerationEvents;
  let subscription: Subscription;

  beforeEach(() => {
    const config = loadConfig({
      JWT_SECRET: 'a-test-secret-that-is-long-enough-for-the-check',
      GENERATION_RETRY_BASE_MS: String(RETRY_BASE_MS),
      GENERATION_STALE_AFTER_MS: String(STALE_AFTER_MS),
    });
    jobs = new RacedJobsRepository();
    events = new GenerationEvents();
    published = [];
    subscription = events.changes.subscribe((job) => published.push(job));
    lifecycle = new JobLifecycle(jobs, events, config.generation);
  });
  afterEach(() => subscription.unsubscribe());

  const draft = (overrides: Partial<NewJob> = {}): NewJob => ({
    ownerId: 'owner-1',
    request: makeJob().request,
    ...overrides,
  });

  /** A queued job claimed by `workerId`; the events so far are cleared. */
  async function running(workerId = 'w1'): Promise<GenerationJob> {
    await lifecycle.enqueue(draft());
    const job = (await lifecycle.claim(workerId))!;
    published = [];
    return job;
  }

  describe('enqueue', () => {
    it('stores a queued job, due now, with no prompt yet, and publishes it', async () => {
      const { job, created } = await lifecycle.enqueue(draft({ idempotencyKey: 'k-1' }));

      expect(created).toBe(true);
      expect(job).toMatchObject({
        ownerId: 'owner-1',
        status: 'queued',
        attempts: 0,
        imageIds: [],
        idempotencyKey: 'k-1',
        lineage: { strategy: 'random', theme: 'sea', prompt: null, revisedPrompt: null },
        runAfter: job.createdAt,
      });
      await expect(jobs.findById(job.id)).resolves.toEqual(job);
      expect(published).toEqual([job]);
    });

    it('returns the first job for a reused idempotency key, publishing nothing more', async () => {
      const first = await lifecycle.enqueue(draft({ idempotencyKey: 'k-1' }));
      const again = await lifecycle.enqueue(draft({ idempotencyKey: 'k-1' }));

      expect(again).toEqual({ job: first.job, created: false });
      expect(published).toEqual([first.job]);
    });
  });

  describe('claim', () => {
    it('moves the oldest queued job to running for the worker, as an attempt, and publishes it', async () => {
      const { job } = await lifecycle.enqueue(draft());
      published = [];

      const claimed = await lifecycle.claim('w1');

      expect(claimed).toMatchObject({ id: job.id, status: 'running', workerId: 'w1', attempts: 1 });
      expect(published).toEqual([claimed]);
      await expect(lifecycle.claim('w2')).resolves.toBeNull();
      expect(published).toHaveLength(1);
    });
  });

  describe('while a worker holds the job', () => {
    it('heartbeats, saves progress and succeeds, publishing each change but not the heartbeat', async () => {
      const job = await running('w1');
      const lineage = { ...job.lineage, prompt: 'a lighthouse', revisedPrompt: null };

      await expect(lifecycle.heartbeat(job, 'w1')).resolves.toBe(true);
      const withPrompt = await lifecycle.saveProgress(job, 'w1', { lineage });
      const withRef = await lifecycle.saveProgress(job, 'w1', { providerRef: 'pred_1' });
      const done = await lifecycle.succeed(job, 'w1', {
        lineage: { ...lineage, revisedPrompt: 'a lighthouse at dusk' },
        imageIds: ['img-1', 'img-2'],
      });

      expect(withPrompt).toMatchObject({ status: 'running', lineage });
      expect(withRef).toMatchObject({ status: 'running', lineage, providerRef: 'pred_1' });
      expect(done).toMatchObject({
        status: 'succeeded',
        imageIds: ['img-1', 'img-2'],
        lineage: { prompt: 'a lighthouse', revisedPrompt: 'a lighthouse at dusk' },
        providerRef: 'pred_1',
        error: null,
        workerId: null,
        heartbeatAt: null,
        attempts: 1,
      });
      expect(done?.finishedAt).toBe(done?.updatedAt);
      expect(published).toEqual([withPrompt, withRef, done]);
      await expect(jobs.findById(job.id)).resolves.toEqual(done);
    });

    it('fails for good with the error, letting the worker go', async () => {
      const job = await running('w1');

      const failed = await lifecycle.fail(job, 'w1', providerError);

      expect(failed).toMatchObject({
        status: 'failed',
        error: providerError,
        workerId: null,
        heartbeatAt: null,
      });
      expect(failed?.finishedAt).toBe(failed?.updatedAt);
      expect(published).toEqual([failed]);
    });

    it('on release (shutdown) goes back to the queue at once without using up an attempt', async () => {
      const job = await running('w1');
      await lifecycle.saveProgress(job, 'w1', { providerRef: 'pred_1' });

      const released = await lifecycle.release(job, 'w1');

      expect(released).toMatchObject({
        status: 'queued',
        attempts: 0,
        workerId: null,
        providerRef: 'pred_1',
      });
      expect(released?.runAfter).toBe(released?.updatedAt);
      await expect(lifecycle.claim('w2')).resolves.toMatchObject({ id: job.id, attempts: 1 });
    });

    it('changes nothing and publishes nothing once another worker holds the job', async () => {
      const job = await running('w1');

      await expect(lifecycle.heartbeat(job, 'w2')).resolves.toBe(false);
      await expect(lifecycle.saveProgress(job, 'w2', { providerRef: 'x' })).resolves.toBeNull();
      const result = { lineage: job.lineage, imageIds: [] };
      await expect(lifecycle.succeed(job, 'w2', result)).resolves.toBeNull();
      await expect(lifecycle.retryLater(job, 'w2', providerError)).resolves.toBeNull();
      await expect(lifecycle.fail(job, 'w2', providerError)).resolves.toBeNull();
      await expect(lifecycle.release(job, 'w2')).resolves.toBeNull();

      await expect(jobs.findById(job.id)).resolves.toEqual(job);
      expect(published).toEqual([]);
    });
  });

  describe('retryLater', () => {
    async function retried(attempts: number, retryAfterMs?: number) {
      const job = await running('w1');
      const before = Date.now();
      const queued = await lifecycle.retryLater(
        { ...job, attempts },
        'w1',
        providerError,
        retryAfterMs,
      );
      const after = Date.now();
      return { queued: queued!, delay: { min: before, max: after }, job };
    }

    it('re-queues with the error, letting the worker go, after half to all of the base delay', async () => {
      const { queued, delay } = await retried(1);

      expect(queued).toMatchObject({
        status: 'queued',
        error: providerError,
        workerId: null,
        heartbeatAt: null,
        attempts: 1,
      });
      const runAfter = Date.parse(queued.runAfter);
      expect(runAfter).toBeGreaterThanOrEqual(delay.min + RETRY_BASE_MS / 2);
      expect(runAfter).toBeLessThanOrEqual(delay.max + RETRY_BASE_MS);
      expect(published).toEqual([queued]);
    });

    it('doubles the delay with each attempt', async () => {
      const { queued, delay } = await retried(3);

      const runAfter = Date.parse(queued.runAfter);
      expect(runAfter).toBeGreaterThanOrEqual(delay.min + 2 * RETRY_BASE_MS);
      expect(runAfter).toBeLessThanOrEqual(delay.max + 4 * RETRY_BASE_MS);
    });

    it('waits at least as long as the provider asked (Retry-After)', async () => {
      const { queued, delay } = await retried(1, 30_000);

      expect(Date.parse(queued.runAfter)).toBeGreaterThanOrEqual(delay.min + 30_000);
      expect(Date.parse(queued.runAfter)).toBeLessThanOrEqual(delay.max + 30_000);
    });
  });

  describe('cancel', () => {
    it('cancels a queued job and a running one, letting its worker go', async () => {
      const held = await running('w1');
      const { job: queued } = await lifecycle.enqueue(draft());
      published = [];

      const canceledQueued = await lifecycle.cancel(queued);
      const canceledRunning = await lifecycle.cancel(held);

      for (const canceled of [canceledQueued, canceledRunning]) {
        expect(canceled).toMatchObject({ status: 'canceled', workerId: null, heartbeatAt: null });
        expect(canceled?.finishedAt).toBe(canceled?.updatedAt);
      }
      expect(published).toEqual([canceledQueued, canceledRunning]);
      // The worker that ran it finds out at its next heartbeat.
      await expect(lifecycle.heartbeat(held, 'w1')).resolves.toBe(false);
    });

    it('returns null when the job moved on since it was read', async () => {
      const { job } = await lifecycle.enqueue(draft());
      await lifecycle.claim('w1');
      published = [];

      await expect(lifecycle.cancel(job)).resolves.toBeNull();
      await expect(jobs.findById(job.id)).resolves.toMatchObject({ status: 'running' });
      expect(published).toEqual([]);
    });
  });

  describe('requeueStale', () => {
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

    /** A job claimed `ms` ago by `workerId`, whose heartbeat stopped then. */
    async function claimedAgo(ms: number, workerId: string): Promise<GenerationJob> {
      const job = makeJob({
        createdAt: ago(2 * ms),
        updatedAt: ago(2 * ms),
        runAfter: ago(2 * ms),
      });
      await jobs.create(job);
      return (await jobs.claimNext(workerId, ago(ms)))!;
    }

    it('re-queues running jobs whose heartbeat went stale, keeping their attempt, and publishes each', async () => {
      const stale = await claimedAgo(2 * STALE_AFTER_MS, 'dead');
      const fresh = await running('alive');

      await expect(lifecycle.requeueStale()).resolves.toHaveLength(1);

      const requeued = await jobs.findById(stale.id);
      expect(requeued).toMatchObject({
        status: 'queued',
        workerId: null,
        heartbeatAt: null,
        attempts: 1,
      });
      await expect(jobs.findById(fresh.id)).resolves.toEqual(fresh);
      expect(published).toEqual([requeued]);
      await expect(lifecycle.requeueStale()).resolves.toEqual([]);
    });

    it('leaves a job whose heartbeat came in after it was read as stale', async () => {
      const stale = await claimedAgo(2 * STALE_AFTER_MS, 'slow');
      jobs.afterListStale = async ([read]) => {
        await lifecycle.heartbeat(read, 'slow');
      };

      await expect(lifecycle.requeueStale()).resolves.toEqual([]);

      await expect(jobs.findById(stale.id)).resolves.toMatchObject({
        status: 'running',
        workerId: 'slow',
      });
      expect(published).toEqual([]);
    });

    it('fails a stale job that used its last attempt with `crashed`, for its owner to read', async () => {
      const stale = await claimedAgo(2 * STALE_AFTER_MS, 'dead');
      await jobs.transition({
        id: stale.id,
        from: 'running',
        patch: { attempts: 3 },
        now: stale.updatedAt,
      });

      await expect(lifecycle.requeueStale()).resolves.toHaveLength(1);

      const failed = await jobs.findById(stale.id);
      expect(failed).toMatchObject({
        status: 'failed',
        attempts: 3,
        workerId: null,
        heartbeatAt: null,
        error: { code: 'crashed', retryable: false },
      });
      expect(failed?.error?.message).toMatch(/stopped before it finished/);
      expect(failed?.finishedAt).toBe(failed?.updatedAt);
      expect(published).toEqual([failed]);
    });

    it('counts every start: a job whose worker dies on each run ends `crashed` after the cap', async () => {
      const { job } = await lifecycle.enqueue(draft());
      const runs: number[] = [];
      for (let run = 0; run < 5; run++) {
        const claimed = await lifecycle.claim(`w${run}`);
        if (!claimed) break;
        runs.push(claimed.attempts);
        // The worker dies: its heartbeat stops, long enough ago to be stale.
        await jobs.transition({
          id: job.id,
          from: 'running',
          patch: { heartbeatAt: ago(2 * STALE_AFTER_MS) },
          now: ago(2 * STALE_AFTER_MS),
        });
        await lifecycle.requeueStale();
      }

      expect(runs).toEqual([1, 2, 3]);
      await expect(jobs.findById(job.id)).resolves.toMatchObject({
        status: 'failed',
        attempts: 3,
        error: { code: 'crashed' },
      });
    });
  });

  describe('claimJob and recoverIfStale (the bullmq engine names the job)', () => {
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

    it('claims the named queued job as an attempt, and nothing else', async () => {
      const { job: first } = await lifecycle.enqueue(draft());
      const { job: second } = await lifecycle.enqueue(draft());
      published = [];

      const claimed = await lifecycle.claimJob(second.id, 'w1');

      expect(claimed).toMatchObject({
        id: second.id,
        status: 'running',
        workerId: 'w1',
        attempts: 1,
      });
      expect(published).toEqual([claimed]);
      await expect(jobs.findById(first.id)).resolves.toMatchObject({ status: 'queued' });
      await expect(lifecycle.claimJob(second.id, 'w2')).resolves.toBeNull();
    });

    it('recovers the named job only when its heartbeat is stale', async () => {
      const alive = await running('alive');
      await expect(lifecycle.recoverIfStale(alive.id)).resolves.toBeNull();

      await jobs.transition({
        id: alive.id,
        from: 'running',
        patch: { heartbeatAt: ago(2 * STALE_AFTER_MS) },
        now: ago(2 * STALE_AFTER_MS),
      });
      await expect(lifecycle.recoverIfStale(alive.id)).resolves.toMatchObject({
        status: 'queued',
        attempts: 1,
        workerId: null,
      });
      await expect(lifecycle.claimJob(alive.id, 'w2')).resolves.toMatchObject({ attempts: 2 });
    });
  });

  describe('provider throttles', () => {
    it('announces a rate-limited retry with its Retry-After, and no other retry', async () => {
      const throttles: unknown[] = [];
      const sub = events.throttles.subscribe((t) => throttles.push(t));
      try {
        const job = await running('w1');
        const limited: JobError = { code: 'rate_limited', message: '429', retryable: true };
        await lifecycle.retryLater(job, 'w1', limited, 5000);
        const other = await running('w1');
        await lifecycle.retryLater(other, 'w1', providerError, 5000);

        expect(throttles).toEqual([{ provider: job.request.provider, retryAfterMs: 5000 }]);
      } finally {
        sub.unsubscribe();
      }
    });
  });
});
