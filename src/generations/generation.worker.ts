import { hostname } from 'node:os';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { newId } from '../common/ids.js';
import { GenerationConfig } from '../config/config-slices.js';
import { GenerationEvents } from './generation-events.js';
import { GenerationRunner, SHUTDOWN } from './generation.runner.js';
import { JobLifecycle } from './job-lifecycle.js';
import { OrphanSweeper } from './orphan-sweeper.js';

const CANCELED = Symbol('canceled');

/**
 * The in-process worker: claims queued jobs (atomically, so replicas never run the same one) up
 * to GENERATION_CONCURRENCY at once, re-queues jobs whose worker died, and on shutdown hands its
 * running jobs back to the queue.
 */
@Injectable()
export class GenerationWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(GenerationWorker.name);
  readonly workerId = `${hostname()}:${process.pid}:${newId().slice(-12)}`;
  private readonly running = new Map<string, { stop: AbortController; done: Promise<void> }>();
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private filling?: Promise<void>;
  private refill = false;
  private stopped = false;

  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly runner: GenerationRunner,
    private readonly sweeper: OrphanSweeper,
    private readonly events: GenerationEvents,
    private readonly config: GenerationConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.recover();
    this.sweeper
      .sweep()
      .catch((error: unknown) => this.logger.error({ err: error }, 'orphan sweep failed'));
    this.subscription = this.events.changes.subscribe((job) => {
      if (job.status === 'queued') this.wake();
      if (job.status === 'canceled') {
        // Every cancel made on this replica passes here once, running or not: one line each.
        this.logger.log(
          { jobId: job.id, runningHere: this.running.has(job.id) },
          'generation canceled',
        );
        this.running.get(job.id)?.stop.abort(CANCELED);
      }
    });
    this.timer = setInterval(() => {
      this.recover()
        .then(() => this.wake())
        .catch((error: unknown) => this.logger.error({ err: error }, 'worker tick failed'));
    }, this.config.pollMs);
    this.wake();
  }

  /** Stops claiming, hands running jobs back to the queue, and waits for that to be written. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
    for (const { stop } of this.running.values()) stop.abort(SHUTDOWN);
    await this.filling;
    await Promise.allSettled([...this.running.values()].map(({ done }) => done));
  }

  /** Re-queues running jobs whose heartbeat went stale: their worker is gone. */
  private async recover(): Promise<void> {
    const count = await this.lifecycle.requeueStale();
    if (count > 0) {
      this.logger.warn({ count }, 're-queued jobs whose worker stopped');
      this.wake();
    }
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
    while (!this.stopped && this.running.size < this.config.concurrency) {
      const job = await this.lifecycle.claim(this.workerId);
      if (!job) return;
      const stop = new AbortController();
      const done = this.runner
        .run(job, this.workerId, stop.signal)
        .catch((error: unknown) =>
          this.logger.error({ err: error, jobId: job.id }, 'job run failed'),
        )
        .finally(() => {
          this.running.delete(job.id);
          this.wake();
        });
      this.running.set(job.id, { stop, done });
    }
  }
}
