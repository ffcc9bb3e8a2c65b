import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { GenerationConfig } from '../../config/config-slices.js';
import type { GenerationJob } from '../../domain/records.js';
import { JobsRepository } from '../../storage/records/jobs.repository.js';
import { GenerationEvents } from '../generation-events.js';
import { GenerationWorker } from '../generation.worker.js';
import { JobLifecycle } from '../job-lifecycle.js';
import { JobQueue, type QueueStats } from './job-queue.js';

/**
 * JOB_QUEUE=local, the embedded default: the record store is the queue. Each replica claims the
 * oldest due job atomically (so replicas never run the same one) up to GENERATION_CONCURRENCY,
 * woken by jobs queued here and by a poll every GENERATION_POLL_MS for other replicas' jobs.
 * Provider limits hold per replica.
 */
@Injectable()
export class LocalJobQueue extends JobQueue implements OnApplicationBootstrap, OnModuleDestroy {
  readonly kind = 'local';
  private readonly logger = new Logger(LocalJobQueue.name);
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private filling?: Promise<void>;
  private refill = false;
  private stopped = false;

  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly worker: GenerationWorker,
    private readonly jobs: JobsRepository,
    private readonly events: GenerationEvents,
    private readonly config: GenerationConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.subscription = this.events.changes.subscribe((job) => {
      if (job.status === 'queued') this.wake();
    });
    this.timer = setInterval(() => this.wake(), this.config.pollMs);
    this.wake();
  }

  /** Stops claiming at once, then gives running jobs the shutdown grace (see `drain`). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
    await this.filling;
    await this.worker.drain();
  }

  /** The job is in the store already: this only wakes the claimer. */
  async enqueue(_job: GenerationJob): Promise<void> {
    this.wake();
  }

  async stats(): Promise<QueueStats[]> {
    const counts = await this.jobs.queueStats(new Date().toISOString());
    return counts.map(({ provider, queued, running, oldestDueAt }) => ({
      provider,
      queued,
      running,
      ...(oldestDueAt ? { oldestQueuedAt: new Date(oldestDueAt) } : {}),
    }));
  }

  /** Claims jobs until the concurrency limit or the queue runs out; calls coalesce. */
  private wake(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.refill = true;
      return;
    }
    this.filling = this.fill()
      .catch((error: unknown) => this.logger.error({ err: error }, 'claiming jobs failed'))
      .finally(() => {
        this.filling = undefined;
        if (this.refill) {
          this.refill = false;
          this.wake();
        }
      });
  }

  private async fill(): Promise<void> {
    while (!this.stopped && this.worker.size < this.config.concurrency) {
      const job = await this.lifecycle.claim(this.worker.workerId);
      if (!job) return;
      void this.worker.run(job).then(() => this.wake());
    }
  }
}
