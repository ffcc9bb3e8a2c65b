/**
 * The record-store contract: what every adapter of the records ports (SQLite, MongoDB, Cosmos DB...)
 * must do, checked through the ports alone. An adapter's spec calls `describeRecordStoreContract`
 * with a function that opens a fresh, empty store; each test opens its own.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { PageCursor, PageRequest } from '../../src/common/cursor.js';
import { newId } from '../../src/common/ids.js';
import { imageKey, thumbnailKey } from '../../src/storage/blobs/blob-keys.js';
import type { ImageFilter, ImagesRepository } from '../../src/storage/records/images.repository.js';
import type { JobPatch, JobsRepository } from '../../src/storage/records/jobs.repository.js';
import type { RecordStore } from '../../src/storage/records/record-store.js';
import {
  UniqueViolationError,
  type GenerationJob,
  type ImageRecord,
  type JobStatus,
  type Schedule,
  type User,
} from '../../src/storage/records/records.js';
import type { SchedulesRepository } from '../../src/storage/records/schedules.repository.js';
import type { UsersRepository } from '../../src/storage/records/users.repository.js';

export interface RecordStoreFixture {
  readonly users: UsersRepository;
  readonly jobs: JobsRepository;
  readonly images: ImagesRepository;
  readonly schedules: SchedulesRepository;
  readonly store: RecordStore;
  close(): Promise<void>;
}

const T0 = Date.parse('2026-11-22T10:00:00.000Z');

/** The ISO time `seconds` after a fixed instant (fractions allowed). */
export function at(seconds: number): string {
  return new Date(T0 + Math.round(seconds * 1000)).toISOString();
}

export function makeUser(overrides: Partial<User> = {}): User {
  return {
    id: newId(),
    email: `user-${newId()}@example.com`,
    passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
    role: 'user',
    createdAt: at(0),
    ...overrides,
  };
}

export function makeJob(overrides: Partial<GenerationJob> = {}): GenerationJob {
  const createdAt = overrides.createdAt ?? at(0);
  return {
    id: newId(),
    ownerId: newId(),
    status: 'queued',
    request: {
      strategy: 'random',
      theme: 'sea',
      prompt: null,
      negativePrompt: null,
      provider: 'offline',
      model: 'offline-1',
      size: '512x512',
      n: 1,
      seed: 42,
      visibility: 'public',
      tags: ['sea'],
      quality: null,
      style: null,
    },
    lineage: { strategy: 'random', theme: 'sea', prompt: null, revisedPrompt: null },
    attempts: 0,
    error: null,
    imageIds: [],
    idempotencyKey: null,
    requestHash: null,
    scheduleId: null,
    slot: null,
    providerRef: null,
    workerId: null,
    createdAt,
    updatedAt: createdAt,
    startedAt: null,
    finishedAt: null,
    heartbeatAt: null,
    runAfter: createdAt,
    ...overrides,
  };
}

export function makeImage(overrides: Partial<ImageRecord> = {}): ImageRecord {
  const id = overrides.id ?? newId();
  const createdAt = overrides.createdAt ?? at(0);
  return {
    id,
    ownerId: newId(),
    jobId: newId(),
    index: 0,
    scheduleId: null,
    visibility: 'public',
    lineage: {
      strategy: 'random',
      theme: 'coast',
      prompt: 'a lighthouse',
      revisedPrompt: 'a lighthouse on a rocky coast',
    },
    prompt: 'a lighthouse on a rocky coast',
    negativePrompt: null,
    provider: 'offline',
    model: 'offline-1',
    width: 512,
    height: 512,
    seed: 7,
    contentType: 'image/png',
    byteSize: 1234,
    sha256: 'ab'.repeat(32),
    blobKey: imageKey(id, createdAt),
    thumbnailKey: thumbnailKey(id, createdAt),
    thumbnailContentType: 'image/webp',
    tags: [],
    createdAt,
    ...overrides,
  };
}

interface Keyed {
  readonly id: string;
  readonly createdAt: string;
}

/** The port's order: createdAt descending, then id descending. */
function newestFirst(a: Keyed, b: Keyed): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  if (a.id !== b.id) return a.id < b.id ? 1 : -1;
  return 0;
}

const idsOf = (rows: readonly { id: string }[]): string[] => rows.map((row) => row.id);
const expectedOrder = (rows: readonly Keyed[]): string[] => idsOf([...rows].sort(newestFirst));

/** Pages through `fetch` with the last row of each page as the cursor, as a client would. */
async function collectPages<T extends Keyed>(
  fetch: (page: PageRequest) => Promise<T[]>,
  limit: number,
): Promise<T[][]> {
  const pages: T[][] = [];
  let after: PageCursor | undefined;
  for (let n = 0; n < 100; n++) {
    const rows = await fetch(after ? { limit, after } : { limit });
    pages.push(rows);
    if (rows.length < limit) return pages;
    const last = rows[rows.length - 1];
    after = { createdAt: last.createdAt, id: last.id };
  }
  throw new Error('paging never ended');
}

/** A fixed shuffle, so that insertion order never happens to be the expected order. */
function shuffled<T>(items: readonly T[]): T[] {
  const order = items.map((_, i) => i).sort((a, b) => ((a * 5 + 3) % 7) - ((b * 5 + 3) % 7));
  return order.map((i) => items[i]);
}

export function makeSchedule(overrides: Partial<Schedule> = {}): Schedule {
  return {
    id: newId(),
    ownerId: newId(),
    name: 'every morning',
    cron: '0 7 * * *',
    timezone: 'Europe/Paris',
    enabled: true,
    template: {
      strategy: 'random',
      theme: 'foxes',
      prompt: null,
      negativePrompt: null,
      provider: 'offline',
      model: 'poster-v1',
      size: '256x256',
      n: 1,
      visibility: 'public',
      tags: ['daily'],
      quality: null,
      style: null,
    },
    pausedReason: null,
    consecutiveFailures: 0,
    lastRunAt: null,
    nextRunAt: at(3600),
    system: false,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

export function describeRecordStoreContract(
  name: string,
  open: () => Promise<RecordStoreFixture>,
): void {
  describe(`record store contract: ${name}`, () => {
    let fixture: RecordStoreFixture;
    let users: UsersRepository;
    let jobs: JobsRepository;
    let images: ImagesRepository;
    let schedules: SchedulesRepository;

    beforeEach(async () => {
      fixture = await open();
      ({ users, jobs, images, schedules } = fixture);
    });

    afterEach(async () => {
      await fixture?.close();
    });

    it('store.ping() resolves', async () => {
      await expect(fixture.store.ping()).resolves.toBeUndefined();
    });

    describe('users', () => {
      it('creates a user and finds it by id and by e-mail in any case', async () => {
        const user = makeUser({ email: 'ada@example.com', role: 'admin' });
        await expect(users.create(user)).resolves.toEqual(user);

        await expect(users.findById(user.id)).resolves.toEqual(user);
        await expect(users.findByEmail('ada@example.com')).resolves.toEqual(user);
        await expect(users.findByEmail('ADA@Example.COM')).resolves.toEqual(user);
      });

      it('keeps e-mails lower-cased', async () => {
        const user = makeUser({ email: 'Grace.Hopper@Example.com' });
        const created = await users.create(user);

        expect(created.email).toBe('grace.hopper@example.com');
        await expect(users.findById(user.id)).resolves.toEqual({
          ...user,
          email: 'grace.hopper@example.com',
        });
        await expect(users.findByEmail('grace.hopper@example.com')).resolves.toMatchObject({
          id: user.id,
        });
      });

      it('returns null for an unknown id or e-mail', async () => {
        await users.create(makeUser({ email: 'ada@example.com' }));

        await expect(users.findById(newId())).resolves.toBeNull();
        await expect(users.findByEmail('bob@example.com')).resolves.toBeNull();
      });

      it.each(['ada@example.com', 'Ada@EXAMPLE.com'])(
        'refuses a second user with the e-mail %s (user-email)',
        async (email) => {
          const first = makeUser({ email: 'ada@example.com' });
          await users.create(first);
          const second = makeUser({ email });

          const error = await users.create(second).then(
            () => null,
            (e: unknown) => e,
          );

          expect(error).toBeInstanceOf(UniqueViolationError);
          expect((error as UniqueViolationError).constraint).toBe('user-email');
          await expect(users.findById(second.id)).resolves.toBeNull();
          await expect(users.findByEmail('ada@example.com')).resolves.toEqual(first);
        },
      );
    });

    describe('jobs', () => {
      /** Creates a queued job and moves it to `status` through the port. */
      async function createIn(job: GenerationJob, status: JobStatus): Promise<GenerationJob> {
        await jobs.create(job);
        if (status === 'queued') return job;
        const moved = await jobs.transition(job.id, 'queued', { status }, job.createdAt);
        if (!moved) throw new Error(`could not move ${job.id} to ${status}`);
        return moved;
      }

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
          await expect(jobs.list({ ownerId }, { limit: 10 }).then(idsOf)).resolves.toEqual(
            expected,
          );
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
          await expect(jobs.list({ ownerId, status: 'running' }, { limit: 10 })).resolves.toEqual(
            [],
          );
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

          const failed = await jobs.transition(running.id, 'running', patch, at(20), 'worker-1');

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
          const requeued = await jobs.transition(running.id, 'failed', patch2, at(40));

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

          const canceled = await jobs.transition(job.id, 'queued', { status: 'canceled' }, at(5));

          expect(canceled).toEqual({ ...job, status: 'canceled', updatedAt: at(5) });
        });

        it('returns null and changes nothing from a wrong status, worker or id', async () => {
          await jobs.create(makeJob({ createdAt: at(1) }));
          const running = (await jobs.claimNext('worker-1', at(10)))!;
          const patch: JobPatch = { status: 'succeeded', finishedAt: at(20), imageIds: [newId()] };

          await expect(jobs.transition(running.id, 'queued', patch, at(20))).resolves.toBeNull();
          await expect(
            jobs.transition(running.id, 'queued', patch, at(20), 'worker-1'),
          ).resolves.toBeNull();
          await expect(
            jobs.transition(running.id, 'running', patch, at(20), 'worker-2'),
          ).resolves.toBeNull();
          await expect(jobs.transition(newId(), 'running', patch, at(20))).resolves.toBeNull();
          await expect(jobs.findById(running.id)).resolves.toEqual(running);

          await expect(
            jobs.transition(running.id, 'running', patch, at(21), 'worker-1'),
          ).resolves.toMatchObject({ status: 'succeeded', updatedAt: at(21) });
          // The same compare-and-set a second time finds the job moved on.
          await expect(
            jobs.transition(running.id, 'running', patch, at(22), 'worker-1'),
          ).resolves.toBeNull();
        });
      });

      describe('requeueStale', () => {
        it('re-queues only running jobs whose heartbeat is older than the cutoff', async () => {
          const stale = makeJob({ createdAt: at(0) });
          const atCutoff = makeJob({ createdAt: at(1) });
          const fresh = makeJob({ createdAt: at(2) });
          const queued = makeJob({ createdAt: at(3), runAfter: at(1000) });
          const done = makeJob({ createdAt: at(4), runAfter: at(1000) });
          for (const job of [stale, atCutoff, fresh, queued]) await jobs.create(job);
          await createIn(done, 'succeeded');
          // Claims take the oldest first: heartbeats at 10, 30 and 50.
          await jobs.claimNext('worker-1', at(10));
          await jobs.claimNext('worker-2', at(30));
          const freshRunning = await jobs.claimNext('worker-3', at(50));
          const doneBefore = await jobs.findById(done.id);

          await expect(jobs.requeueStale(at(30), at(60))).resolves.toBe(1);

          await expect(jobs.findById(stale.id)).resolves.toMatchObject({
            status: 'queued',
            attempts: 1,
          });
          await expect(jobs.findById(atCutoff.id)).resolves.toMatchObject({
            status: 'running',
            workerId: 'worker-2',
          });
          await expect(jobs.findById(fresh.id)).resolves.toEqual(freshRunning);
          await expect(jobs.findById(queued.id)).resolves.toEqual(queued);
          await expect(jobs.findById(done.id)).resolves.toEqual(doneBefore);

          // The re-queued job is claimable again, as a new attempt.
          await expect(jobs.claimNext('worker-4', at(70))).resolves.toMatchObject({
            id: stale.id,
            workerId: 'worker-4',
            heartbeatAt: at(70),
            attempts: 2,
          });
          await expect(jobs.requeueStale(at(30), at(80))).resolves.toBe(0);
        });
      });

      describe('removeImageId', () => {
        it('takes one image id out of a job, whatever its status, and leaves the rest', async () => {
          const [a, b, c] = [newId(), newId(), newId()];
          const job = await createIn(makeJob({ createdAt: at(1) }), 'succeeded');
          const done = await jobs.transition(job.id, 'succeeded', { imageIds: [a, b, c] }, at(2));
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

    describe('images', () => {
      it('round-trips every field through insert and findById', async () => {
        const full = makeImage({
          index: 3,
          scheduleId: newId(),
          visibility: 'private',
          prompt: 'a "quoted" prompt — ünïcödé 🦊',
          negativePrompt: 'blurry',
          provider: 'replicate',
          model: 'black-forest-labs/flux-schnell',
          width: 1024,
          height: 768,
          seed: 4_294_967_295,
          contentType: 'image/webp',
          byteSize: 987_654,
          tags: ['fox', 'portrait'],
          createdAt: at(3),
        });
        const sparse = makeImage({ seed: null, negativePrompt: null, scheduleId: null });

        await expect(images.insert(full)).resolves.toEqual(full);
        await expect(images.insert(sparse)).resolves.toEqual(sparse);
        await expect(images.findById(full.id)).resolves.toEqual(full);
        await expect(images.findById(sparse.id)).resolves.toEqual(sparse);
        await expect(images.findById(newId())).resolves.toBeNull();
      });

      it('refuses a second image at the same (jobId, index) (image-job-index)', async () => {
        const first = makeImage({ index: 0 });
        await images.insert(first);
        const duplicate = makeImage({ jobId: first.jobId, index: 0 });

        const error = await images.insert(duplicate).then(
          () => null,
          (e: unknown) => e,
        );

        expect(error).toBeInstanceOf(UniqueViolationError);
        expect((error as UniqueViolationError).constraint).toBe('image-job-index');
        await expect(images.findById(duplicate.id)).resolves.toBeNull();
        await expect(images.findById(first.id)).resolves.toEqual(first);
        const next = makeImage({ jobId: first.jobId, index: 1 });
        await expect(images.insert(next)).resolves.toEqual(next);
      });

      describe('list', () => {
        it('pages newest first with a keyset cursor, missing and repeating nothing', async () => {
          const all = [0, 1, 2, 3, 4, 5, 6].map((i) => makeImage({ createdAt: at(i) }));
          for (const image of shuffled(all)) await images.insert(image);

          const pages = await collectPages((page) => images.list({}, page), 3);

          expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
          expect(idsOf(pages.flat())).toEqual(expectedOrder(all));
          expect(pages.flat()[0]).toEqual(all[6]);
        });

        it('orders images with the same createdAt by id, descending, and pages across them', async () => {
          const tied = [0, 1, 2, 3, 4].map(() => makeImage({ createdAt: at(5) }));
          const older = makeImage({ createdAt: at(1) });
          const newer = makeImage({ createdAt: at(9) });
          for (const image of shuffled([...tied, older, newer])) await images.insert(image);

          const expected = [newer.id, ...idsOf(tied).sort().reverse(), older.id];
          await expect(images.list({}, { limit: 10 }).then(idsOf)).resolves.toEqual(expected);
          for (const limit of [1, 2, 3]) {
            const pages = await collectPages((page) => images.list({}, page), limit);
            expect(idsOf(pages.flat())).toEqual(expected);
          }
        });

        describe('filters', () => {
          const ada = newId();
          const bob = newId();
          const set = [
            makeImage({
              ownerId: ada,
              visibility: 'public',
              provider: 'offline',
              model: 'offline-1',
              tags: ['sea', 'dusk'],
              createdAt: at(1),
            }),
            makeImage({
              ownerId: ada,
              visibility: 'private',
              provider: 'openai',
              model: 'gpt-image-1',
              tags: ['animals'],
              createdAt: at(2),
            }),
            makeImage({
              ownerId: bob,
              visibility: 'public',
              provider: 'openai',
              model: 'dall-e-3',
              tags: ['animals', 'winter'],
              createdAt: at(3),
            }),
            makeImage({
              ownerId: bob,
              visibility: 'private',
              provider: 'replicate',
              model: 'flux-schnell',
              tags: [],
              createdAt: at(4),
            }),
            makeImage({
              ownerId: ada,
              visibility: 'public',
              provider: 'offline',
              model: 'offline-1',
              tags: ['sea'],
              createdAt: at(5),
            }),
            makeImage({
              ownerId: bob,
              visibility: 'public',
              provider: 'offline',
              model: 'offline-2',
              tags: ['night'],
              createdAt: at(6),
            }),
          ];
          /** Expected results, as 1-based positions in `set` (createdAt = at(position)). */
          const cases: [string, ImageFilter, number[]][] = [
            ['no filter', {}, [6, 5, 4, 3, 2, 1]],
            ['visibility public', { visibility: 'public' }, [6, 5, 3, 1]],
            ['visibility private', { visibility: 'private' }, [4, 2]],
            ['ownerId', { ownerId: ada }, [5, 2, 1]],
            ['ownerId + visibility', { ownerId: bob, visibility: 'public' }, [6, 3]],
            ['provider', { provider: 'openai' }, [3, 2]],
            ['model', { model: 'offline-1' }, [5, 1]],
            ['provider + model', { provider: 'offline', model: 'offline-2' }, [6]],
            ['tag', { tag: 'animals' }, [3, 2]],
            ['tag, public only', { tag: 'animals', visibility: 'public' }, [3]],
            ['tag that is a prefix of another tag', { tag: 'anim' }, []],
            ['unknown tag', { tag: 'nothing' }, []],
            ['from (inclusive)', { from: at(5) }, [6, 5]],
            ['to (exclusive)', { to: at(2) }, [1]],
            ['from + to', { from: at(2), to: at(5) }, [4, 3, 2]],
            ['from + to, empty window', { from: at(3), to: at(3) }, []],
            ['tag + from', { tag: 'sea', from: at(2) }, [5]],
            ['unknown owner', { ownerId: newId() }, []],
          ];

          beforeEach(async () => {
            for (const image of shuffled(set)) await images.insert(image);
          });

          it.each(cases)('%s', async (_label, filter, positions) => {
            const expected = positions.map((p) => set[p - 1].id);

            await expect(images.list(filter, { limit: 50 }).then(idsOf)).resolves.toEqual(expected);
          });

          it('pages within a filter', async () => {
            const pages = await collectPages(
              (page) => images.list({ visibility: 'public' }, page),
              2,
            );

            expect(idsOf(pages.flat())).toEqual([6, 5, 3, 1].map((p) => set[p - 1].id));
          });
        });

        describe('full-text search (q)', () => {
          const lighthouse = makeImage({
            prompt: 'A Lighthouse on a rocky coast at dusk',
            tags: ['seascape'],
            createdAt: at(1),
          });
          const fox = makeImage({
            prompt: 'Red fox sleeping in the snow',
            tags: ['animals', 'winter'],
            createdAt: at(2),
          });
          const keeper = makeImage({
            prompt: 'The lighthouse keeper and her orange cat',
            tags: ['animals'],
            visibility: 'private',
            createdAt: at(3),
          });
          const city = makeImage({
            prompt: 'Neon city street at night, rain',
            tags: ['cyberpunk'],
            createdAt: at(4),
          });
          const search = (q: string, filter: ImageFilter = {}) =>
            images.list({ ...filter, q }, { limit: 50 }).then(idsOf);

          beforeEach(async () => {
            for (const image of [city, lighthouse, keeper, fox]) await images.insert(image);
          });

          it('matches a word of the prompt, in any case', async () => {
            await expect(search('fox')).resolves.toEqual([fox.id]);
            await expect(search('FOX')).resolves.toEqual([fox.id]);
            await expect(search('lighthouse')).resolves.toEqual([keeper.id, lighthouse.id]);
            await expect(search('LightHouse')).resolves.toEqual([keeper.id, lighthouse.id]);
            await expect(search('neon')).resolves.toEqual([city.id]);
          });

          it('requires every word to match', async () => {
            await expect(search('lighthouse cat')).resolves.toEqual([keeper.id]);
            await expect(search('cat lighthouse')).resolves.toEqual([keeper.id]);
            await expect(search('rocky cat')).resolves.toEqual([]);
            await expect(search('fox zebra')).resolves.toEqual([]);
          });

          it('matches a prefix of the last word', async () => {
            await expect(search('ligh')).resolves.toEqual([keeper.id, lighthouse.id]);
            await expect(search('keeper ora')).resolves.toEqual([keeper.id]);
            await expect(search('sle')).resolves.toEqual([fox.id]);
          });

          it('matches a word of the tags', async () => {
            await expect(search('seascape')).resolves.toEqual([lighthouse.id]);
            await expect(search('winter')).resolves.toEqual([fox.id]);
            await expect(search('animals')).resolves.toEqual([keeper.id, fox.id]);
            await expect(search('animals snow')).resolves.toEqual([fox.id]);
          });

          it('combines with the other filters and with paging', async () => {
            await expect(search('lighthouse', { visibility: 'public' })).resolves.toEqual([
              lighthouse.id,
            ]);
            await expect(search('animals', { ownerId: keeper.ownerId })).resolves.toEqual([
              keeper.id,
            ]);
            await expect(search('animals', { tag: 'winter' })).resolves.toEqual([fox.id]);

            const pages = await collectPages((page) => images.list({ q: 'lighthouse' }, page), 1);
            expect(idsOf(pages.flat())).toEqual([keeper.id, lighthouse.id]);
          });

          it.each([
            '"',
            '"fox',
            'fox"',
            '"red fox"',
            '*',
            'fox*',
            '*fox',
            'fox OR cat',
            'OR',
            'AND',
            'NOT fox',
            'NEAR(fox snow)',
            'NEAR(',
            '-',
            '-fox',
            'fox -snow',
            ':',
            'prompt:fox',
            'tags:animals',
            '^fox',
            '(fox',
            'fox)',
            "fox's",
            '{fox}',
            '[fox]',
            '\\fox',
            '$where',
            '{"$gt":""}',
          ])('never throws on search syntax in q: %j', async (q) => {
            const results = await images.list({ q }, { limit: 50 });

            expect(Array.isArray(results)).toBe(true);
          });

          it('treats quotes and punctuation around a word as plain text', async () => {
            await expect(search('"fox"')).resolves.toEqual([fox.id]);
            await expect(search('fox!')).resolves.toEqual([fox.id]);
            await expect(search('(snow)')).resolves.toEqual([fox.id]);
          });

          it.each(['!!!', '   ', '', '"" * - :'])(
            'returns nothing for q without letters or digits: %j',
            async (q) => {
              await expect(search(q)).resolves.toEqual([]);
            },
          );

          it('finds an image by its new tags after an update, and not by the old ones', async () => {
            await images.update(city.id, { tags: ['synthwave', 'metropolis'] });

            await expect(search('synthwave')).resolves.toEqual([city.id]);
            await expect(search('metropolis neon')).resolves.toEqual([city.id]);
            await expect(search('cyberpunk')).resolves.toEqual([]);
            await expect(search('neon')).resolves.toEqual([city.id]);
          });

          it('no longer finds a deleted image', async () => {
            await images.delete(fox.id);

            await expect(search('fox')).resolves.toEqual([]);
            await expect(search('animals')).resolves.toEqual([keeper.id]);
          });
        });
      });

      it('lists a job’s images by index', async () => {
        const jobId = newId();
        const second = makeImage({ jobId, index: 1, createdAt: at(1) });
        const third = makeImage({ jobId, index: 2, createdAt: at(0) });
        const first = makeImage({ jobId, index: 0, createdAt: at(2) });
        for (const image of [third, first, second]) await images.insert(image);
        await images.insert(makeImage({ index: 0 }));

        await expect(images.listByJob(jobId)).resolves.toEqual([first, second, third]);
        await expect(images.listByJob(newId())).resolves.toEqual([]);
      });

      describe('update', () => {
        it('changes visibility and tags and returns the updated record', async () => {
          const image = makeImage({ visibility: 'private', tags: ['a'] });
          await images.insert(image);

          const shown = await images.update(image.id, { visibility: 'public' });
          expect(shown).toEqual({ ...image, visibility: 'public' });

          const tagged = await images.update(image.id, { tags: ['b', 'c'] });
          expect(tagged).toEqual({ ...image, visibility: 'public', tags: ['b', 'c'] });

          const both = await images.update(image.id, { visibility: 'private', tags: [] });
          expect(both).toEqual({ ...image, visibility: 'private', tags: [] });
          await expect(images.findById(image.id)).resolves.toEqual(both);
        });

        it('moves an image in and out of the public gallery', async () => {
          const image = makeImage({ visibility: 'private' });
          await images.insert(image);
          const gallery = () => images.list({ visibility: 'public' }, { limit: 10 }).then(idsOf);

          await expect(gallery()).resolves.toEqual([]);
          await images.update(image.id, { visibility: 'public' });
          await expect(gallery()).resolves.toEqual([image.id]);
          await images.update(image.id, { visibility: 'private' });
          await expect(gallery()).resolves.toEqual([]);
        });

        it('finds by the new tag after a tag update', async () => {
          const image = makeImage({ tags: ['old'] });
          await images.insert(image);

          await images.update(image.id, { tags: ['new'] });

          await expect(images.list({ tag: 'new' }, { limit: 10 }).then(idsOf)).resolves.toEqual([
            image.id,
          ]);
          await expect(images.list({ tag: 'old' }, { limit: 10 })).resolves.toEqual([]);
        });

        it('returns null for a missing id', async () => {
          await expect(images.update(newId(), { visibility: 'public' })).resolves.toBeNull();
        });
      });

      it('deletes once: true, then false', async () => {
        const image = makeImage();
        const other = makeImage();
        await images.insert(image);
        await images.insert(other);

        await expect(images.delete(image.id)).resolves.toBe(true);
        await expect(images.findById(image.id)).resolves.toBeNull();
        await expect(images.delete(image.id)).resolves.toBe(false);
        await expect(images.findById(other.id)).resolves.toEqual(other);
        await expect(images.list({}, { limit: 10 }).then(idsOf)).resolves.toEqual([other.id]);
      });

      it('findReferencedKeys returns exactly the keys some record points at', async () => {
        const a = makeImage({ createdAt: at(1) });
        const b = makeImage({ createdAt: at(2) });
        const gone = makeImage({ createdAt: at(3) });
        for (const image of [a, b, gone]) await images.insert(image);
        await images.delete(gone.id);
        const orphanImage = imageKey(newId(), at(4));
        const orphanThumb = thumbnailKey(newId(), at(4));

        const referenced = await images.findReferencedKeys([
          a.blobKey,
          a.thumbnailKey,
          b.thumbnailKey,
          gone.blobKey,
          gone.thumbnailKey,
          orphanImage,
          orphanThumb,
        ]);

        expect([...referenced].sort()).toEqual([a.blobKey, a.thumbnailKey, b.thumbnailKey].sort());
        await expect(images.findReferencedKeys([])).resolves.toEqual(new Set());
        await expect(images.findReferencedKeys([orphanImage])).resolves.toEqual(new Set());
      });
    });

    describe('schedules', () => {
      it('create + findById round-trips every field; a second create with the same id keeps the first', async () => {
        const schedule = makeSchedule({
          lastRunAt: at(-60),
          pausedReason: 'x',
          consecutiveFailures: 2,
        });
        await expect(schedules.create(schedule)).resolves.toEqual({ schedule, created: true });
        await expect(schedules.findById(schedule.id)).resolves.toEqual(schedule);
        const again = await schedules.create({ ...schedule, name: 'other' });
        expect(again).toEqual({ schedule, created: false });
        await expect(schedules.findById(newId())).resolves.toBeNull();
      });

      it('lists newest first by owner (or all), pages by keyset, and counts by owner', async () => {
        const owner = newId();
        const mine = [1, 2, 3, 4, 5].map((i) => makeSchedule({ ownerId: owner, createdAt: at(i) }));
        const other = makeSchedule({ createdAt: at(10) });
        for (const s of [...mine, other]) await schedules.create(s);
        const first = await schedules.list(owner, { limit: 2 });
        expect(first.map((s) => s.id)).toEqual([mine[4].id, mine[3].id]);
        const after = { createdAt: first[1].createdAt, id: first[1].id };
        const rest = await schedules.list(owner, { limit: 10, after });
        expect(rest.map((s) => s.id)).toEqual([mine[2].id, mine[1].id, mine[0].id]);
        const all = await schedules.list(undefined, { limit: 10 });
        expect(all.map((s) => s.id)).toEqual([other.id, ...[...mine].reverse().map((s) => s.id)]);
        await expect(schedules.countByOwner(owner)).resolves.toBe(5);
        await expect(schedules.countByOwner(newId())).resolves.toBe(0);
        expect((await schedules.listAll()).map((s) => s.id).sort()).toEqual(
          [...mine, other].map((s) => s.id).sort(),
        );
      });

      it('update applies the given fields only; recordFailure counts atomically; delete removes', async () => {
        const schedule = makeSchedule();
        await schedules.create(schedule);
        const template = { ...schedule.template, n: 2, tags: [] };
        const updated = await schedules.update(schedule.id, {
          enabled: false,
          pausedReason: 'paused after 5 failed runs',
          template,
          nextRunAt: null,
          updatedAt: at(5),
        });
        expect(updated).toEqual({
          ...schedule,
          enabled: false,
          pausedReason: 'paused after 5 failed runs',
          template,
          nextRunAt: null,
          updatedAt: at(5),
        });
        await expect(
          schedules.update(newId(), { name: 'x', updatedAt: at(6) }),
        ).resolves.toBeNull();

        await Promise.all([1, 2, 3].map(() => schedules.recordFailure(schedule.id, at(7))));
        expect((await schedules.findById(schedule.id))?.consecutiveFailures).toBe(3);
        const reset = await schedules.update(schedule.id, {
          consecutiveFailures: 0,
          lastRunAt: at(8),
          updatedAt: at(8),
        });
        expect(reset).toMatchObject({ consecutiveFailures: 0, lastRunAt: at(8) });

        await expect(schedules.delete(schedule.id)).resolves.toBe(true);
        await expect(schedules.delete(schedule.id)).resolves.toBe(false);
        await expect(schedules.findById(schedule.id)).resolves.toBeNull();
      });
    });

    describe('schedule runs (jobs by schedule)', () => {
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
        await expect(jobs.list({ ownerId: newId(), scheduleId }, { limit: 10 })).resolves.toEqual(
          [],
        );
      });

      it('keeps providerRef on the job', async () => {
        const { job } = await jobs.create(makeJob());
        const claimed = await jobs.claimNext('w', at(3600));
        expect(claimed?.id).toBe(job.id);
        const updated = await jobs.transition(
          job.id,
          'running',
          { providerRef: 'pred_123' },
          at(3601),
          'w',
        );
        expect(updated?.providerRef).toBe('pred_123');
        await expect(jobs.findById(job.id)).resolves.toMatchObject({ providerRef: 'pred_123' });
      });
    });
  });
}
