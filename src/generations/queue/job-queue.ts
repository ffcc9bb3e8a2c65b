import type { GenerationJob } from '../../domain/records.js';

/** How much work waits and runs for one provider. */
export interface QueueStats {
  readonly provider: string;
  /** Jobs waiting to run (due now or later, retries included). */
  readonly queued: number;
  /** Jobs running now, on any replica. */
  readonly running: number;
  /** When the oldest queued job became runnable (created, or due for its retry). */
  readonly oldestQueuedAt?: Date;
}

/** Options of an enqueue: when the job may start at the earliest. */
export interface EnqueueOptions {
  /** Not before this time (a retry's backoff, a provider's Retry-After). */
  readonly runAfter?: Date;
}

/**
 * The engine that carries generation work (JOB_QUEUE): `local` claims jobs from the record store,
 * `bullmq` carries them on Redis. The job record stays the source of truth for its owner; the
 * queue only says which job to run next, where and when.
 */
export abstract class JobQueue {
  /** Which adapter this is: `local` or `bullmq`. */
  abstract readonly kind: 'local' | 'bullmq';
  /** Hands a queued job to the engine; idempotent per job id. */
  abstract enqueue(job: GenerationJob, options?: EnqueueOptions): Promise<void>;
  /** Queued and running jobs per provider. */
  abstract stats(): Promise<QueueStats[]>;
}
