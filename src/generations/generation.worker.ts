import { setTimeout as sleep } from 'node:timers/promises';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { INSTANCE, newId } from '../common/ids.js';
import { GenerationConfig } from '../config/config-slices.js';
import type { GenerationJob } from '../domain/records.js';
import { BlobStore } from '../storage/blobs/blob-store.js';
import { ImagesRepository } from '../storage/records/images.repository.js';
import { GenerationEvents } from './generation-events.js';
import { GenerationRunner, SHUTDOWN } from './generation.runner.js';
import { JobLifecycle } from './job-lifecycle.js';
import { OrphanSweeper } from './orphan-sweeper.js';

const CANCELED = Symbol('canceled');
/** After the grace, how long aborted runs get to hand their jobs back before shutdown returns. */
const RELEASE_WAIT_MS = 2000;

/**
 * This replica's runs, whichever engine (`JobQueue`) claimed them: each claimed job runs here
 * with a stop signal that a cancel (made on any replica) or the shutdown pulls. Also the upkeep
 * every engine needs: jobs whose worker died are recovered (re-queued, or failed `crashed` at the
 * attempt cap), and orphan blobs swept at boot.
 */
@Injectable()
export class GenerationWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(GenerationWorker.name);
  readonly workerId = `${INSTANCE}:${newId().slice(-12)}`;
  private readonly running = new Map<string, { stop: AbortController; done: Promise<void> }>();
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly runner: GenerationRunner,
    private readonly sweeper: OrphanSweeper,
    private readonly events: GenerationEvents,
    private readonly images: ImagesRepository,
    private readonly blobs: BlobStore,
    private readonly config: GenerationConfig,
  ) {}

  /** Jobs running here now. */
  get size(): number {
    return this.running.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    // Before the first poll, as every poll does after: a store that is slow or down at boot is
    // logged and asked again at the next poll (readiness says it is down), not a failed start.
    await this.recoverOrLog();
    this.sweeper
      .sweep()
      .catch((error: unknown) => this.logger.error({ err: error }, 'orphan sweep failed'));
    this.subscription = this.events.changes.subscribe((job) => {
      if (job.status !== 'canceled') return;
      const run = this.running.get(job.id);
      // Every cancel passes here once on each replica; the one running the job says so.
      if (run) this.logger.log({ jobId: job.id, runningHere: true }, 'generation canceled');
      run?.stop.abort(CANCELED);
    });
    this.timer = setInterval(() => void this.recoverOrLog(), this.config.pollMs);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
  }

  /**
   * Runs a job this replica claimed; resolves when the run has settled the job (succeeded,
   * failed, re-queued, released or lost). Never rejects.
   */
  run(job: GenerationJob): Promise<void> {
    const stop = new AbortController();
    if (this.stopping) stop.abort(SHUTDOWN);
    const done = this.runner
      .run(job, this.workerId, stop.signal)
      .catch((error: unknown) => this.logger.error({ err: error, jobId: job.id }, 'job run failed'))
      .finally(() => this.running.delete(job.id));
    this.running.set(job.id, { stop, done });
    return done;
  }

  /**
   * Shutdown, after the engine stopped claiming: running jobs get up to `graceMs` to finish, then
   * are aborted with `SHUTDOWN` (the runner hands them back to the queue, for another replica),
   * and after a short wait for that this returns, whatever a run is still doing.
   */
  async drain(graceMs = this.config.shutdownGraceMs): Promise<void> {
    this.stopping = true;
    const all = () => Promise.allSettled([...this.running.values()].map(({ done }) => done));
    if (this.running.size === 0) return;
    this.logger.log({ running: this.running.size, graceMs }, 'waiting for running jobs to finish');
    const grace = new AbortController();
    await Promise.race([
      all(),
      sleep(graceMs, undefined, { signal: grace.signal }).catch(() => {}),
    ]);
    grace.abort();
    if (this.running.size === 0) return;
    this.logger.warn(
      { jobIds: [...this.running.keys()] },
      'shutdown grace over: handing running jobs back to the queue',
    );
    for (const { stop } of this.running.values()) stop.abort(SHUTDOWN);
    const wait = new AbortController();
    await Promise.race([
      all(),
      sleep(RELEASE_WAIT_MS, undefined, { signal: wait.signal }).catch(() => {}),
    ]);
    wait.abort();
  }

  /**
   * A job that ended `crashed` keeps no images (as any failed job): the records its runs stored
   * go first, then their blobs (a blob left behind is swept as an orphan).
   */
  async discardImages(jobId: string): Promise<void> {
    for (const image of await this.images.listByJob(jobId)) {
      await this.images.delete(image.id);
      for (const key of [image.blobKey, image.thumbnailKey]) {
        await this.blobs
          .delete(key)
          .catch((error: unknown) =>
            this.logger.warn(
              { err: error, jobId },
              'blob delete failed; the orphan sweep removes it',
            ),
          );
      }
    }
  }

  private recoverOrLog(): Promise<void> {
    return this.recover().catch((error: unknown) =>
      this.logger.error({ err: error }, 'recovering stale jobs failed'),
    );
  }

  /** Recovers running jobs whose heartbeat went stale: their worker is gone. */
  private async recover(): Promise<void> {
    if (this.stopping) return;
    const recovered = await this.lifecycle.requeueStale();
    if (recovered.length === 0) return;
    this.logger.warn(
      { jobIds: recovered.map((job) => job.id) },
      'recovered jobs whose worker stopped',
    );
    for (const job of recovered) if (job.status === 'failed') await this.discardImages(job.id);
  }
}
