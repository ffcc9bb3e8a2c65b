import type { PageRequest } from '../../common/cursor.js';
import type { GenerationJob, JobError, JobStatus, PromptLineage } from '../../domain/records.js';

/** Fields a state change may set besides `status` and `updatedAt`. */
export interface JobPatch {
  readonly status?: JobStatus;
  readonly lineage?: PromptLineage;
  readonly error?: JobError | null;
  readonly imageIds?: readonly string[];
  readonly finishedAt?: string | null;
  readonly runAfter?: string;
  readonly workerId?: string | null;
  readonly heartbeatAt?: string | null;
  readonly attempts?: number;
  readonly providerRef?: string | null;
}

/**
 * A state change of job `id`: `patch` applies only while the job is in status `from` and, when
 * given, held by `workerId` with its last heartbeat at `heartbeatAt`; `now` is its `updatedAt`.
 */
export interface JobTransition {
  readonly id: string;
  readonly from: JobStatus;
  readonly workerId?: string;
  readonly heartbeatAt?: string;
  readonly patch: JobPatch;
  readonly now: string;
}

/**
 * An owner's jobs, a schedule's runs, or one owner's runs of a schedule; every owner's jobs only
 * when asked for by name (`everyOwner`, the admin's list), never by leaving the owner out.
 */
export type JobFilter = (
  | { readonly ownerId: string; readonly scheduleId?: string }
  | { readonly ownerId?: string; readonly scheduleId: string }
  | { readonly everyOwner: true; readonly ownerId?: undefined; readonly scheduleId?: undefined }
) & { readonly status?: JobStatus };

/** Queued and running jobs of one provider, as the record store holds them. */
export interface JobQueueCounts {
  readonly provider: string;
  readonly queued: number;
  readonly running: number;
  /** The earliest `runAfter` of the provider's queued jobs that are due at `now`; null if none. */
  readonly oldestDueAt: string | null;
}

/**
 * Per-provider counts from what an adapter's two queries found: queued jobs (with the earliest
 * due `runAfter`) and running ones. One place, so that every adapter answers alike.
 */
export function mergeQueueCounts(
  queued: readonly { provider: string; count: number; oldestDueAt: string | null }[],
  running: readonly { provider: string; count: number }[],
): JobQueueCounts[] {
  const byProvider = new Map<string, JobQueueCounts>();
  for (const { provider, count, oldestDueAt } of queued) {
    byProvider.set(provider, { provider, queued: count, running: 0, oldestDueAt });
  }
  for (const { provider, count } of running) {
    const seen = byProvider.get(provider);
    byProvider.set(provider, {
      provider,
      queued: seen?.queued ?? 0,
      running: count,
      oldestDueAt: seen?.oldestDueAt ?? null,
    });
  }
  return [...byProvider.values()].sort((a, b) => (a.provider < b.provider ? -1 : 1));
}

/** Per-provider counts of active jobs read one by one (stores without GROUP BY). */
export function countActiveJobs(
  active: Iterable<{ provider: string; status: string; runAfter: string }>,
  now: string,
): JobQueueCounts[] {
  const queued = new Map<string, { count: number; oldestDueAt: string | null }>();
  const running = new Map<string, number>();
  for (const { provider, status, runAfter } of active) {
    if (status === 'running') running.set(provider, (running.get(provider) ?? 0) + 1);
    if (status !== 'queued') continue;
    const seen = queued.get(provider) ?? { count: 0, oldestDueAt: null };
    const earlier = runAfter <= now && (seen.oldestDueAt === null || runAfter < seen.oldestDueAt);
    queued.set(provider, {
      count: seen.count + 1,
      oldestDueAt: earlier ? runAfter : seen.oldestDueAt,
    });
  }
  return mergeQueueCounts(
    [...queued].map(([provider, counts]) => ({ provider, ...counts })),
    [...running].map(([provider, count]) => ({ provider, count })),
  );
}

export abstract class JobsRepository {
  /**
   * Inserts a queued job. When the owner already used the job's idempotency key, nothing is
   * written and the first job is returned with `created: false`.
   */
  abstract create(job: GenerationJob): Promise<{ job: GenerationJob; created: boolean }>;
  abstract findById(id: string): Promise<GenerationJob | null>;
  abstract findByIdempotencyKey(ownerId: string, key: string): Promise<GenerationJob | null>;
  /** Newest first, keyset after `page.after`, at most `page.limit` rows. */
  abstract list(filter: JobFilter, page: PageRequest): Promise<GenerationJob[]>;
  /** Jobs of the owner that are queued or running. */
  abstract countActive(ownerId: string): Promise<number>;
  /**
   * Atomically moves the oldest queued job whose `runAfter <= now` to `running` for `workerId`,
   * counting an attempt; `null` when there is none. Two workers never claim the same job.
   */
  abstract claimNext(workerId: string, now: string): Promise<GenerationJob | null>;
  /**
   * Atomically moves job `id` to `running` for `workerId` if it is queued (whatever its
   * `runAfter`: the caller's engine decides when it is due), counting an attempt; `null` when it
   * is not queued. Two workers never claim the same job.
   */
  abstract claim(id: string, workerId: string, now: string): Promise<GenerationJob | null>;
  /**
   * Compare-and-set: applies the change's patch only if the job is still as the change expects.
   * Returns the updated job, or `null` when the job moved on meanwhile. Only `JobLifecycle` calls
   * it: it owns the state machine.
   */
  abstract transition(change: JobTransition): Promise<GenerationJob | null>;
  /**
   * Takes `imageId` out of the job's `imageIds` (an image was deleted), whatever the job's
   * status, atomically: concurrent removals from one job all hold. Returns the job (unchanged
   * when the id was not there), or null when there is no such job.
   */
  abstract removeImageId(
    jobId: string,
    imageId: string,
    now: string,
  ): Promise<GenerationJob | null>;
  /** Running jobs whose heartbeat is older than `staleBefore`: their worker is gone. */
  abstract listStale(staleBefore: string): Promise<GenerationJob[]>;
  /** Queued and running jobs per provider (providers with neither are left out). */
  abstract queueStats(now: string): Promise<JobQueueCounts[]>;
}
