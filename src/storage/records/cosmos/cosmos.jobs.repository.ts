import type { PageRequest } from '../../../common/cursor.js';
import { JobsRepository, type JobFilter, type JobPatch } from '../jobs.repository.js';
import type { GenerationJob, JobStatus } from '../../../domain/records.js';
import { claimId, Claims, type Claim } from './cosmos.claims.js';
import {
  AFTER,
  CONFLICT,
  type CosmosDatabase,
  ifMatch,
  NOT_FOUND,
  orderNewestFirst,
  PRECONDITION_FAILED,
  queryAll,
  sql,
  unless,
} from './cosmos.database.js';

type JobDoc = GenerationJob & { readonly _etag?: string };

const toJob = (doc: GenerationJob): GenerationJob => ({
  id: doc.id,
  ownerId: doc.ownerId,
  status: doc.status,
  request: doc.request,
  lineage: doc.lineage,
  attempts: doc.attempts,
  error: doc.error,
  imageIds: doc.imageIds,
  idempotencyKey: doc.idempotencyKey,
  requestHash: doc.requestHash,
  scheduleId: doc.scheduleId,
  slot: doc.slot,
  providerRef: doc.providerRef,
  workerId: doc.workerId,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  startedAt: doc.startedAt,
  finishedAt: doc.finishedAt,
  heartbeatAt: doc.heartbeatAt,
  runAfter: doc.runAfter,
});

/** The job with the patch's given fields applied (undefined ones leave the field alone). */
function patched(job: GenerationJob, patch: JobPatch, now: string): GenerationJob {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  return { ...job, ...defined, updatedAt: now };
}

interface UniqueKey {
  readonly id: string;
  readonly key: readonly string[];
}

const uniqueKey = (kind: string, ...parts: string[]): UniqueKey => ({
  id: claimId(kind, ...parts),
  key: [kind, ...parts],
});

/** The unique keys a job takes, in a fixed order (the same for every creator). */
function uniqueKeys(job: GenerationJob): UniqueKey[] {
  const keys: UniqueKey[] = [];
  if (job.idempotencyKey !== null) {
    keys.push(uniqueKey('idempotency', job.ownerId, job.idempotencyKey));
  }
  if (job.scheduleId !== null && job.slot !== null) {
    keys.push(uniqueKey('slot', job.scheduleId, job.slot));
  }
  return keys;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Candidates read per claim query: enough that racing workers mostly find one left. */
const CLAIM_CANDIDATES = 8;
/** Rounds of a keyed create before giving up (each round means another job was released). */
const CREATE_ROUNDS = 10;

/**
 * Jobs in `jobs` (pk /id). State changes are compare-and-set: read, then replace with
 * If-Match on the version read; 412 means another writer got there first.
 */
export class CosmosJobsRepository extends JobsRepository {
  private readonly claims: Claims;

  constructor(private readonly cosmos: CosmosDatabase) {
    super();
    this.claims = new Claims(cosmos.keys);
  }

  /**
   * A job with unique keys claims each (see `Claims`), then is written. When a key is held by
   * another job, that job is the answer: it is finished if its creator stopped half-way, or, if it
   * can never hold all its keys, released, and this create tries again.
   */
  async create(job: GenerationJob): Promise<{ job: GenerationJob; created: boolean }> {
    const keys = uniqueKeys(job);
    if (keys.length === 0) {
      await this.cosmos.jobs.items.create({ ...toJob(job) });
      return { job, created: true };
    }
    for (let round = 0; round < CREATE_ROUNDS; round++) {
      const held: Claim<GenerationJob>[] = [];
      let other: Claim<GenerationJob> | null = null;
      for (const { id, key } of keys) {
        const claim = await this.claims.take(id, key, toJob(job));
        if (claim.record.id !== job.id) {
          other = claim;
          break;
        }
        held.push(claim);
      }
      if (!other) {
        // A reader may have written it from the claim already: that is this same job.
        await unless(
          [CONFLICT],
          () => this.cosmos.jobs.items.create({ ...toJob(job) }),
          () => undefined,
        );
        return { job, created: true };
      }
      const first = await this.settle(other.record, other.id);
      if (first) {
        for (const claim of held) await this.claims.release(claim);
        return { job: first, created: false };
      }
    }
    throw new Error(`Could not settle the unique keys of job ${job.id}`);
  }

  async findById(id: string): Promise<GenerationJob | null> {
    const { resource } = await this.cosmos.jobs.item(id, id).read<JobDoc>();
    return resource ? toJob(resource) : null;
  }

  async findByIdempotencyKey(ownerId: string, key: string): Promise<GenerationJob | null> {
    const { id } = uniqueKey('idempotency', ownerId, key);
    const claim = await this.claims.read<GenerationJob>(id);
    return claim ? this.settle(claim.record, id) : null;
  }

  async list(filter: JobFilter, page: PageRequest): Promise<GenerationJob[]> {
    const where: string[] = [];
    // The sort starts with a field the filter fixes, so that a composite index serves it.
    const prefix = filter.ownerId !== undefined ? 'ownerId' : 'scheduleId';
    if (filter.ownerId !== undefined) where.push('c.ownerId = @ownerId');
    if (filter.scheduleId !== undefined) where.push('c.scheduleId = @scheduleId');
    if (filter.status) where.push('c.status = @status');
    if (page.after) where.push(AFTER);
    const docs = await queryAll<JobDoc>(
      this.cosmos.jobs,
      sql(`SELECT TOP @limit * FROM c WHERE ${where.join(' AND ')} ${orderNewestFirst(prefix)}`, {
        limit: page.limit,
        ownerId: filter.ownerId,
        scheduleId: filter.scheduleId,
        status: filter.status,
        afterCreatedAt: page.after?.createdAt,
        afterId: page.after?.id,
      }),
      { maxItemCount: page.limit },
    );
    return docs.map(toJob);
  }

  async countActive(ownerId: string): Promise<number> {
    const [count] = await queryAll<number>(
      this.cosmos.jobs,
      sql(
        `SELECT VALUE COUNT(1) FROM c WHERE c.ownerId = @ownerId AND c.status IN ('queued', 'running')`,
        { ownerId },
      ),
    );
    return count ?? 0;
  }

  /**
   * Reads the oldest runnable queued jobs, then takes the first it can with If-Match: a 412 means
   * another worker took that one, so it tries the next, and queries again when all are gone.
   */
  async claimNext(workerId: string, now: string): Promise<GenerationJob | null> {
    for (;;) {
      const candidates = await queryAll<JobDoc>(
        this.cosmos.jobs,
        sql(
          `SELECT TOP @top * FROM c WHERE c.status = 'queued' AND c.runAfter <= @now
            ORDER BY c.status ASC, c.createdAt ASC, c.id ASC`,
          { top: CLAIM_CANDIDATES, now },
        ),
        { maxItemCount: CLAIM_CANDIDATES },
      );
      if (candidates.length === 0) return null;
      // The oldest first; when another worker got it, the rest in random order, so that racing
      // workers spread over the candidates instead of all losing the same one again.
      const [oldest, ...rest] = candidates;
      for (const doc of [oldest, ...shuffle(rest)]) {
        const job = toJob(doc);
        const claimed = await this.replaceIfMatch(doc, {
          ...job,
          status: 'running',
          attempts: job.attempts + 1,
          workerId,
          heartbeatAt: now,
          startedAt: job.startedAt ?? now,
          updatedAt: now,
        });
        if (claimed) return claimed;
      }
    }
  }

  async transition(
    id: string,
    from: JobStatus,
    patch: JobPatch,
    now: string,
    workerId?: string,
    heartbeatAt?: string,
  ): Promise<GenerationJob | null> {
    for (;;) {
      const { resource: doc } = await this.cosmos.jobs.item(id, id).read<JobDoc>();
      if (!doc || doc.status !== from) return null;
      if (workerId !== undefined && doc.workerId !== workerId) return null;
      if (heartbeatAt !== undefined && doc.heartbeatAt !== heartbeatAt) return null;
      const updated = await this.replaceIfMatch(doc, patched(toJob(doc), patch, now));
      if (updated) return updated;
      // Written meanwhile: read again and re-check the guard.
    }
  }

  /** Read, then replace with If-Match: a 412 means another write got in first, so read again. */
  async removeImageId(jobId: string, imageId: string, now: string): Promise<GenerationJob | null> {
    for (;;) {
      const { resource: doc } = await this.cosmos.jobs.item(jobId, jobId).read<JobDoc>();
      if (!doc) return null;
      const job = toJob(doc);
      if (!job.imageIds.includes(imageId)) return job;
      const updated = await this.replaceIfMatch(doc, {
        ...job,
        imageIds: job.imageIds.filter((id) => id !== imageId),
        updatedAt: now,
      });
      if (updated) return updated;
    }
  }

  async listStale(staleBefore: string): Promise<GenerationJob[]> {
    return (await this.queryStale(staleBefore)).map(toJob);
  }

  async requeueStale(staleBefore: string, now: string): Promise<number> {
    const stale = await this.queryStale(staleBefore);
    let requeued = 0;
    for (const found of stale) {
      for (let doc: JobDoc | undefined = found; doc;) {
        if (
          doc.status !== 'running' ||
          doc.heartbeatAt === null ||
          doc.heartbeatAt >= staleBefore
        ) {
          break;
        }
        const job = toJob(doc);
        const done = await this.replaceIfMatch(doc, {
          ...job,
          status: 'queued',
          workerId: null,
          heartbeatAt: null,
          updatedAt: now,
        });
        if (done) {
          requeued++;
          break;
        }
        // A heartbeat or a transition got in first: look again.
        doc = (await this.cosmos.jobs.item(job.id, job.id).read<JobDoc>()).resource;
      }
    }
    return requeued;
  }

  private queryStale(staleBefore: string): Promise<JobDoc[]> {
    return queryAll<JobDoc>(
      this.cosmos.jobs,
      sql(`SELECT * FROM c WHERE c.status = 'running' AND c.heartbeatAt < @staleBefore`, {
        staleBefore,
      }),
    );
  }

  /** Replaces the job if it is still the version `doc` was read at; null otherwise. */
  private async replaceIfMatch(doc: JobDoc, next: GenerationJob): Promise<GenerationJob | null> {
    return unless(
      [PRECONDITION_FAILED, NOT_FOUND],
      async () => {
        const { resource } = await this.cosmos.jobs
          .item(doc.id, doc.id)
          .replace<JobDoc>({ ...toJob(next) }, ifMatch(doc._etag));
        return resource ? toJob(resource) : next;
      },
      () => null,
    );
  }

  /**
   * The job `job`'s unique keys admit, as stored; null if it can never have them all. `known` is
   * a key already seen held by it. Helps a create that stopped half-way: claims the keys it
   * lacks and writes the job from the claim's copy. A job whose key another job holds is
   * released, so that its other keys do not block anyone.
   */
  private async settle(job: GenerationJob, known: string): Promise<GenerationJob | null> {
    const keys = uniqueKeys(job);
    for (const { id, key } of keys) {
      if (id === known) continue;
      const claim = await this.claims.take(id, key, job);
      if (claim.record.id !== job.id) {
        for (const mine of keys) {
          const held = await this.claims.read<GenerationJob>(mine.id);
          if (held?.record.id === job.id) await this.claims.release(held);
        }
        return null;
      }
    }
    const stored = await this.findById(job.id);
    if (stored) return stored;
    return unless(
      [CONFLICT],
      async () => {
        await this.cosmos.jobs.items.create({ ...toJob(job) });
        return job;
      },
      async () => (await this.findById(job.id)) ?? job,
    );
  }
}
