import type { PageRequest } from '../../common/cursor.js';
import type { GenerationJob, JobError, JobStatus, PromptLineage } from './records.js';

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

/** Either an owner's jobs or a schedule's runs (at least one of the two). */
export interface JobFilter {
  readonly ownerId?: string;
  readonly scheduleId?: string;
  readonly status?: JobStatus;
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
   * Compare-and-set: applies `patch` only if the job is in status `from` (and, when given, held
   * by `workerId`). Returns the updated job, or `null` when the job moved on meanwhile.
   */
  abstract transition(
    id: string,
    from: JobStatus,
    patch: JobPatch,
    now: string,
    workerId?: string,
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
  /** Re-queues running jobs whose heartbeat is older than `staleBefore`; returns how many. */
  abstract requeueStale(staleBefore: string, now: string): Promise<number>;
}
