import type { PageRequest } from '../../../common/cursor.js';
import {
  JobsRepository,
  countActiveJobs,
  type JobFilter,
  type JobPatch,
  type JobQueueCounts,
  type JobTransition,
} from '../jobs.repository.js';
import type { GenerationJob } from '../../../domain/records.js';
import { JOB_FIELDS } from '../record-fields.js';
import { claimId, Claims, type Claim } from './cosmos.claims.js';
import { AFTER, type CosmosDatabase, orderNewestFirst, sql } from './cosmos.database.js';
import { CosmosItems, type Versioned } from './cosmos.items.js';

type JobDoc = Versioned<GenerationJob>;

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
  private readonly items: CosmosItems<GenerationJob>;

  constructor(private readonly cosmos: CosmosDatabase) {
    super();
    this.claims = new Claims(cosmos);
    this.items = new CosmosItems(cosmos, cosmos.jobs, JOB_FIELDS);
  }

  /**
   * A job with unique keys claims each (see `Claims`), then is written. When a key is held by
   * another job, that job is the answer: it is finished if its creator stopped half-way, or, if it
   * can never hold all its keys, released, and this create tries again.
   */
  async create(job: GenerationJob): Promise<{ job: GenerationJob; created: boolean }> {
    const keys = uniqueKeys(job);
    if (keys.length === 0) {
      await this.items.create(job);
      return { job, created: true };
    }
    for (let round = 0; round < CREATE_ROUNDS; round++) {
      const held: Claim<GenerationJob>[] = [];
      let other: Claim<GenerationJob> | null = null;
      for (const { id, key } of keys) {
        const claim = await this.claims.take(id, key, this.items.record(job));
        if (claim.record.id !== job.id) {
          other = claim;
          break;
        }
        held.push(claim);
      }
      if (!other) {
        // A reader may have written it from the claim already: that is this same job.
        await this.items.createUnlessExists(job);
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
    return this.items.find(id);
  }

  async findByIdempotencyKey(ownerId: string, key: string): Promise<GenerationJob | null> {
    const { id } = uniqueKey('idempotency', ownerId, key);
    const claim = await this.claims.read<GenerationJob>(id);
    return claim ? this.settle(claim.record, id) : null;
  }

  async list(filter: JobFilter, page: PageRequest): Promise<GenerationJob[]> {
    const where: string[] = [];
    // The sort starts with a field the filter fixes, so that a composite index serves it.
    const prefix =
      filter.ownerId !== undefined
        ? 'ownerId'
        : filter.scheduleId !== undefined
          ? 'scheduleId'
          : undefined;
    if (filter.ownerId !== undefined) where.push('c.ownerId = @ownerId');
    if (filter.scheduleId !== undefined) where.push('c.scheduleId = @scheduleId');
    if (filter.status) where.push('c.status = @status');
    if (page.after) where.push(AFTER);
    return this.items.query(
      sql(
        `SELECT TOP @limit * FROM c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ${orderNewestFirst(prefix)}`,
        {
          limit: page.limit,
          ownerId: filter.ownerId,
          scheduleId: filter.scheduleId,
          status: filter.status,
          afterCreatedAt: page.after?.createdAt,
          afterId: page.after?.id,
        },
      ),
      { maxItemCount: page.limit },
    );
  }

  async countActive(ownerId: string): Promise<number> {
    const [count] = await this.cosmos.queryAll<number>(
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
      const candidates = await this.cosmos.queryAll<JobDoc>(
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
        const claimed = await this.items.replaceIfMatch(
          doc,
          claimedBy(this.items.record(doc), workerId, now),
        );
        if (claimed) return claimed;
      }
    }
  }

  /** Read, then replace If-Match: a 412 (another worker took it, or it moved on) means null. */
  async claim(id: string, workerId: string, now: string): Promise<GenerationJob | null> {
    return this.items.update(id, (current) =>
      current.status === 'queued' ? claimedBy(current, workerId, now) : null,
    );
  }

  async transition(change: JobTransition): Promise<GenerationJob | null> {
    const { id, from, patch, now, workerId, heartbeatAt } = change;
    return this.items.update(id, (job) =>
      job.status === from &&
      (workerId === undefined || job.workerId === workerId) &&
      (heartbeatAt === undefined || job.heartbeatAt === heartbeatAt)
        ? patched(job, patch, now)
        : null,
    );
  }

  /** Concurrent removals each replace If-Match the version they read, so none is lost. */
  async removeImageId(jobId: string, imageId: string, now: string): Promise<GenerationJob | null> {
    return this.items.update(jobId, (job) =>
      job.imageIds.includes(imageId)
        ? { ...job, imageIds: job.imageIds.filter((id) => id !== imageId), updatedAt: now }
        : job,
    );
  }

  async listStale(staleBefore: string): Promise<GenerationJob[]> {
    return this.items.query(
      sql(`SELECT * FROM c WHERE c.status = 'running' AND c.heartbeatAt < @staleBefore`, {
        staleBefore,
      }),
    );
  }

  /**
   * The emulator has no GROUP BY, so the active jobs' few fields are read and counted here; the
   * active jobs are the queue, which stays small next to the history.
   */
  async queueStats(now: string): Promise<JobQueueCounts[]> {
    const active = await this.cosmos.queryAll<{
      provider: string;
      status: string;
      runAfter: string;
    }>(
      this.cosmos.jobs,
      sql(
        `SELECT c.request.provider AS provider, c.status, c.runAfter FROM c
          WHERE c.status IN ('queued', 'running')`,
        {},
      ),
    );
    return countActiveJobs(active, now);
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
    if (await this.items.createUnlessExists(job)) return job;
    return (await this.findById(job.id)) ?? job;
  }
}

/** `job` as `workerId` claims it at `now`: running, one more attempt (every start counts). */
function claimedBy(job: GenerationJob, workerId: string, now: string): GenerationJob {
  return {
    ...job,
    status: 'running',
    attempts: job.attempts + 1,
    workerId,
    heartbeatAt: now,
    startedAt: job.startedAt ?? now,
    updatedAt: now,
  };
}
