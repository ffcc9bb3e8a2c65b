/**
 * The MongoDB job queue's filters and updates, checked without a server over in-memory documents
 * (see test/support/mongo-queries.ts): claims, compare-and-set transitions, stale jobs.
 */
import { describe, expect, it } from '@jest/globals';
import type { QueryFilter } from 'mongoose';

import { at, makeJob } from '../../../../test/fixtures/records.js';
import { apply, find, ids } from '../../../../test/support/mongo-queries.js';
import { newId } from '../../../common/ids.js';
import type { GenerationJob } from '../../../domain/records.js';
import type { JobPatch } from '../jobs.repository.js';
import { fromJobDoc, toJobDoc, type JobDoc } from './mongo.documents.js';
import {
  OLDEST_FIRST,
  activeJobsFilter,
  claimFilter,
  claimUpdate,
  idempotencyKeyFilter,
  jobPatchUpdate,
  jobWithImageFilter,
  removeImageIdUpdate,
  scheduleSlotFilter,
  staleRunningFilter,
  transitionFilter,
} from './mongo.queries.js';

/** What `JobLifecycle` writes to put back a job whose worker stopped beating. */
const REQUEUE: JobPatch = { status: 'queued', workerId: null, heartbeatAt: null };

describe('jobs', () => {
  const running = (job: GenerationJob, workerId: string): JobDoc =>
    toJobDoc({ ...job, status: 'running', workerId, heartbeatAt: job.createdAt });

  it('claims the oldest runnable queued job, counts an attempt and keeps the first start', () => {
    const oldest = toJobDoc(makeJob({ createdAt: at(1), attempts: 2 }));
    const backingOff = toJobDoc(makeJob({ createdAt: at(0), runAfter: at(100) }));
    const newer = toJobDoc(makeJob({ createdAt: at(2) }));
    const busy = running(makeJob({ createdAt: at(-5) }), 'w0');
    const docs = [newer, busy, backingOff, oldest];

    const [first] = find(docs, claimFilter(at(10)), OLDEST_FIRST, 1);
    const claimed = apply(first, claimUpdate('worker-1', at(10)));

    expect(fromJobDoc(claimed)).toEqual({
      ...fromJobDoc(oldest),
      status: 'running',
      workerId: 'worker-1',
      heartbeatAt: at(10),
      startedAt: at(10),
      updatedAt: at(10),
      attempts: 3,
    });
    const requeued = apply(claimed, jobPatchUpdate(REQUEUE, at(20)));
    const again = apply(requeued, claimUpdate('worker-2', at(30)));
    expect(fromJobDoc(again)).toMatchObject({
      startedAt: at(10),
      attempts: 4,
      workerId: 'worker-2',
    });
    expect(ids(find(docs, claimFilter(at(100)), OLDEST_FIRST))).toEqual(
      ids([backingOff, oldest, newer]),
    );
  });

  it('stores a job never started without startedAt, so that the first claim can set it', () => {
    expect(toJobDoc(makeJob())).not.toHaveProperty('startedAt');
    expect(toJobDoc(makeJob({ startedAt: at(3) })).startedAt).toBe(at(3));
  });

  it('transitions only from the expected status, and worker when given', () => {
    const job = running(makeJob(), 'worker-1');
    const matches = (filter: QueryFilter<JobDoc>) => find([job], filter).length === 1;

    expect(matches(transitionFilter(job._id, 'running'))).toBe(true);
    expect(matches(transitionFilter(job._id, 'running', 'worker-1'))).toBe(true);
    expect(matches(transitionFilter(job._id, 'running', 'worker-2'))).toBe(false);
    expect(matches(transitionFilter(job._id, 'queued'))).toBe(false);
    expect(matches(transitionFilter(newId(), 'running'))).toBe(false);
  });

  it('transitions a stale job only while its heartbeat is the one read', () => {
    const job = running(makeJob({ createdAt: at(10) }), 'worker-1');
    const matches = (filter: QueryFilter<JobDoc>) => find([job], filter).length === 1;

    expect(find([job], staleRunningFilter(at(11)))).toEqual([job]);
    expect(find([job], staleRunningFilter(at(10)))).toEqual([]);
    expect(matches(transitionFilter(job._id, 'running', 'worker-1', at(10)))).toBe(true);
    expect(matches(transitionFilter(job._id, 'running', 'worker-1', at(12)))).toBe(false);
  });

  it('sets exactly the patch’s defined fields, nulls included, and updatedAt', () => {
    const job = toJobDoc(
      makeJob({ error: { code: 'provider_error', message: 'm', retryable: false }, workerId: 'w' }),
    );
    const patch = {
      status: 'failed',
      error: null,
      imageIds: ['a', 'b'],
      finishedAt: at(9),
      workerId: undefined,
      heartbeatAt: null,
      // Not a patch field: an adapter must never let it through.
      ownerId: 'someone-else',
    } as JobPatch;

    const updated = apply(job, jobPatchUpdate(patch, at(9)));

    expect(fromJobDoc(updated)).toEqual({
      ...fromJobDoc(job),
      status: 'failed',
      error: null,
      imageIds: ['a', 'b'],
      finishedAt: at(9),
      heartbeatAt: null,
      updatedAt: at(9),
    });
  });

  it('re-queues running jobs whose heartbeat is older than the cutoff, not at it', () => {
    const stale = toJobDoc({ ...makeJob(), status: 'running', heartbeatAt: at(10) });
    const atCutoff = toJobDoc({ ...makeJob(), status: 'running', heartbeatAt: at(30) });
    const queued = toJobDoc(makeJob());
    const done = toJobDoc({ ...makeJob(), status: 'succeeded', heartbeatAt: at(1) });

    const found = find([stale, atCutoff, queued, done], staleRunningFilter(at(30)));

    expect(ids(found)).toEqual([stale._id]);
    expect(fromJobDoc(apply(stale, jobPatchUpdate(REQUEUE, at(60))))).toMatchObject({
      status: 'queued',
      workerId: null,
      heartbeatAt: null,
      updatedAt: at(60),
    });
  });

  it('takes a deleted image’s id out of its job only, keeping the order of the rest', () => {
    const [a, b, c] = [newId(), newId(), newId()];
    const job = toJobDoc({ ...makeJob(), status: 'succeeded', imageIds: [a, b, c] });
    const other = toJobDoc({ ...makeJob(), status: 'succeeded', imageIds: [b] });

    expect(ids(find([job, other], jobWithImageFilter(job._id, b)))).toEqual([job._id]);
    expect(find([job, other], jobWithImageFilter(job._id, newId()))).toEqual([]);
    expect(fromJobDoc(apply(job, removeImageIdUpdate(b, at(60))))).toEqual({
      ...fromJobDoc(job),
      imageIds: [a, c],
      updatedAt: at(60),
    });
  });

  it('counts queued and running jobs of the owner only', () => {
    const ownerId = newId();
    const docs = (['queued', 'running', 'succeeded', 'failed', 'canceled'] as const).map((status) =>
      toJobDoc({ ...makeJob({ ownerId }), status }),
    );
    docs.push(toJobDoc(makeJob()));

    expect(find(docs, activeJobsFilter(ownerId))).toHaveLength(2);
  });

  it('finds the first job by (owner, key) and by (schedule, slot)', () => {
    const keyed = toJobDoc(makeJob({ idempotencyKey: 'k' }));
    const scheduled = toJobDoc(makeJob({ scheduleId: newId(), slot: at(60) }));
    const docs = [keyed, scheduled, toJobDoc(makeJob({ idempotencyKey: 'k' }))];

    expect(ids(find(docs, idempotencyKeyFilter(keyed.ownerId, 'k')))).toEqual([keyed._id]);
    expect(find(docs, idempotencyKeyFilter(newId(), 'k'))).toEqual([]);
    expect(ids(find(docs, scheduleSlotFilter(scheduled.scheduleId!, at(60))))).toEqual([
      scheduled._id,
    ]);
  });
});
