import { Injectable, Logger } from '@nestjs/common';
import { newId } from '../common/ids.js';
import { GenerationConfig } from '../config/config-slices.js';
import {
  JobsRepository,
  type JobPatch,
  type JobTransition,
} from '../storage/records/jobs.repository.js';
import type {
  GenerationJob,
  GenerationRequest,
  JobError,
  JobStatus,
  PromptLineage,
} from '../domain/records.js';
import { GenerationEvents } from './generation-events.js';

/** A job to queue: whose, what, and what makes it unique (an idempotency key or a schedule slot). */
export interface NewJob {
  readonly ownerId: string;
  readonly request: GenerationRequest;
  readonly idempotencyKey?: string | null;
  readonly requestHash?: string | null;
  readonly scheduleId?: string;
  readonly slot?: string;
}

/** What a run has made so far and keeps across attempts. */
export interface JobProgress {
  readonly lineage?: PromptLineage;
  readonly providerRef?: string;
}

/** Who must still hold the job for a state change to apply. */
type Holder = Pick<JobTransition, 'workerId' | 'heartbeatAt'>;

/** A worker lets go of the job: the fields that say who runs it are cleared. */
const LET_GO = { workerId: null, heartbeatAt: null } as const;

/**
 * The one owner of a job's state machine: queued → running → succeeded | failed | canceled, and
 * back to queued to retry, on shutdown or when its worker died. Each outcome builds its change
 * here, writes it with the store's compare-and-set and publishes the job as written; `null` (or
 * `false`) means the job moved on meanwhile (canceled, or taken over) and nothing was written.
 */
@Injectable()
export class JobLifecycle {
  private readonly logger = new Logger(JobLifecycle.name);

  constructor(
    private readonly jobs: JobsRepository,
    private readonly events: GenerationEvents,
    private readonly config: GenerationConfig,
  ) {}

  /** A new job, queued. A reused idempotency key or slot returns the first job, `created: false`. */
  async enqueue(draft: NewJob): Promise<{ job: GenerationJob; created: boolean }> {
    const now = new Date().toISOString();
    const { request } = draft;
    const { job, created } = await this.jobs.create({
      id: newId(),
      ownerId: draft.ownerId,
      status: 'queued',
      request,
      lineage: {
        strategy: request.strategy,
        theme: request.theme,
        prompt: null,
        revisedPrompt: null,
      },
      attempts: 0,
      error: null,
      imageIds: [],
      idempotencyKey: draft.idempotencyKey ?? null,
      requestHash: draft.requestHash ?? null,
      scheduleId: draft.scheduleId ?? null,
      slot: draft.slot ?? null,
      providerRef: null,
      workerId: null,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
      heartbeatAt: null,
      runAfter: now,
    });
    if (created) this.events.publish(job);
    return { job, created };
  }

  /** The oldest runnable queued job, now running for `workerId` (an attempt); null if none. */
  async claim(workerId: string): Promise<GenerationJob | null> {
    const job = await this.jobs.claimNext(workerId, new Date().toISOString());
    if (job) this.events.publish(job);
    return job;
  }

  /**
   * Job `id`, now running for `workerId` (an attempt), if it is queued; null if it is not (already
   * running elsewhere, finished, canceled). The `bullmq` engine's claim: the queue says which job.
   */
  async claimJob(id: string, workerId: string): Promise<GenerationJob | null> {
    const job = await this.jobs.claim(id, workerId, new Date().toISOString());
    if (job) this.events.publish(job);
    return job;
  }

  /** `false` when `workerId` no longer holds the job. Liveness, not a change: no event. */
  async heartbeat(job: GenerationJob, workerId: string): Promise<boolean> {
    const now = new Date().toISOString();
    return (await this.write(job.id, 'running', { heartbeatAt: now }, now, { workerId })) !== null;
  }

  /** Keeps what the run has made so far, so that a later attempt does not make it again. */
  saveProgress(
    job: GenerationJob,
    workerId: string,
    progress: JobProgress,
  ): Promise<GenerationJob | null> {
    const { lineage, providerRef } = progress;
    return this.move(job, 'running', { lineage, providerRef }, { workerId });
  }

  succeed(
    job: GenerationJob,
    workerId: string,
    result: { lineage: PromptLineage; imageIds: readonly string[] },
  ): Promise<GenerationJob | null> {
    const now = new Date().toISOString();
    const { lineage, imageIds } = result;
    const patch: JobPatch = {
      status: 'succeeded',
      lineage,
      imageIds,
      error: null,
      finishedAt: now,
      ...LET_GO,
    };
    return this.move(job, 'running', patch, { workerId }, now);
  }

  /**
   * Back to the queue with the error, due after exponential backoff with jitter (by `job`'s
   * attempts), and never sooner than `retryAfterMs` (a provider's Retry-After).
   */
  retryLater(
    job: GenerationJob,
    workerId: string,
    error: JobError,
    retryAfterMs = 0,
  ): Promise<GenerationJob | null> {
    const now = Date.now();
    const base = this.config.retryBaseMs * 2 ** Math.max(0, job.attempts - 1);
    const jittered = base / 2 + Math.random() * (base / 2);
    const runAfter = new Date(now + Math.max(jittered, retryAfterMs)).toISOString();
    const patch: JobPatch = { status: 'queued', error, runAfter, ...LET_GO };
    if (retryAfterMs > 0 && error.code === 'rate_limited') {
      // The provider said when to come back: every worker of the provider waits, not only this job.
      this.events.publishThrottle({ provider: job.request.provider, retryAfterMs });
    }
    return this.move(job, 'running', patch, { workerId }, new Date(now).toISOString());
  }

  fail(job: GenerationJob, workerId: string, error: JobError): Promise<GenerationJob | null> {
    const now = new Date().toISOString();
    const patch: JobPatch = { status: 'failed', error, finishedAt: now, ...LET_GO };
    return this.move(job, 'running', patch, { workerId }, now);
  }

  /**
   * Shutdown: not the job's fault, so back to the queue at once without using up an attempt
   * (`job.attempts` counts the one this run took); what it made so far stays.
   */
  release(job: GenerationJob, workerId: string): Promise<GenerationJob | null> {
    const now = new Date().toISOString();
    const patch: JobPatch = {
      status: 'queued',
      attempts: job.attempts - 1,
      runAfter: now,
      ...LET_GO,
    };
    return this.move(job, 'running', patch, { workerId }, now);
  }

  /** A queued or running job (as read in `job`), canceled; the worker running it stops. */
  cancel(job: GenerationJob): Promise<GenerationJob | null> {
    const now = new Date().toISOString();
    return this.move(job, job.status, { status: 'canceled', finishedAt: now, ...LET_GO }, {}, now);
  }

  /**
   * Recovers running jobs whose heartbeat is older than GENERATION_STALE_AFTER_MS: their worker
   * is gone. The attempt it used stays counted (the claim counted it): a job with attempts left
   * goes back to the queue, one that used its last attempt ends `failed` with `crashed`, so that
   * a job that kills its worker cannot go round the replicas for ever. A job whose heartbeat
   * moved since it was read is alive and stays. Returns the recovered jobs as written.
   */
  async requeueStale(): Promise<GenerationJob[]> {
    const recovered: GenerationJob[] = [];
    for (const job of await this.jobs.listStale(this.staleBefore())) {
      const moved = await this.recover(job);
      if (moved) recovered.push(moved);
    }
    return recovered;
  }

  /**
   * Job `id` if its worker is gone (running, heartbeat stale): recovered as `requeueStale` does,
   * and returned as written; null when it is not stale (or moved on meanwhile).
   */
  async recoverIfStale(id: string): Promise<GenerationJob | null> {
    const job = await this.jobs.findById(id);
    if (job?.status !== 'running' || job.heartbeatAt === null) return null;
    return job.heartbeatAt < this.staleBefore() ? this.recover(job) : null;
  }

  private staleBefore(): string {
    return new Date(Date.now() - this.config.staleAfterMs).toISOString();
  }

  private async recover(job: GenerationJob): Promise<GenerationJob | null> {
    const now = new Date().toISOString();
    // Held as read: a heartbeat since then means the worker is alive after all.
    const holder = {
      workerId: job.workerId ?? undefined,
      heartbeatAt: job.heartbeatAt ?? undefined,
    };
    if (job.attempts < this.config.maxAttempts) {
      return this.move(job, 'running', { status: 'queued', runAfter: now, ...LET_GO }, holder, now);
    }
    const error: JobError = {
      code: 'crashed',
      message: `The worker running this job stopped before it finished, and its ${job.attempts} attempts are used up`,
      retryable: false,
    };
    const patch: JobPatch = { status: 'failed', error, finishedAt: now, ...LET_GO };
    const failed = await this.move(job, 'running', patch, holder, now);
    if (failed) {
      this.logger.warn(
        { jobId: job.id, provider: job.request.provider, code: 'crashed', attempts: job.attempts },
        'generation failed',
      );
    }
    return failed;
  }

  /** Writes `patch` if the job is still in `from` (and held as `holder` says), then publishes it. */
  private async move(
    job: GenerationJob,
    from: JobStatus,
    patch: JobPatch,
    holder: Holder,
    now = new Date().toISOString(),
  ): Promise<GenerationJob | null> {
    const moved = await this.write(job.id, from, patch, now, holder);
    if (moved) this.events.publish(moved);
    return moved;
  }

  private write(
    id: string,
    from: JobStatus,
    patch: JobPatch,
    now: string,
    holder: Holder,
  ): Promise<GenerationJob | null> {
    return this.jobs.transition({ id, from, patch, now, ...holder });
  }
}
