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

/** An owner's jobs, a schedule's runs, or one owner's runs of a schedule: never every job. */
export type JobFilter = (
  | { readonly ownerId: string; readonly scheduleId?: string }
  | { readonly ownerId?: string; readonly scheduleId: string }
) & { readonly status?: JobStatus };

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
   * Compare-and-set: applies `patch` only if the job is in status `from` (and, when given, held
   * by `workerId`, with its last heartbeat at `heartbeatAt`). Returns the updated job, or `null`
   * when the job moved on meanwhile. Only `JobLifecycle` calls it: it owns the state machine.
   */
  abstract transition(
    id: string,
    from: JobStatus,
    patch: JobPatch,
    now: string,
    workerId?: string,
    heartbeatAt?: string,
  ): Promise<GenerationJob | null>;
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
  /**
   * Re-queues running jobs whose heartbeat is older than `staleBefore`; returns how many. The bulk
   * form, without events: the app re-queues through `JobLifecycle.requeueStale`, which publishes
   * each job it moves.
   */
  abstract requeueStale(staleBefore: string, now: string): Promise<number>;
}
