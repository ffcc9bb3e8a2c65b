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
}
