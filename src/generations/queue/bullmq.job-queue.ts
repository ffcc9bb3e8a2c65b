import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { DelayedError, Queue, Worker, type Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import type { Subscription } from 'rxjs';
import type { PageCursor } from '../../common/cursor.js';
import { GenerationConfig } from '../../config/config-slices.js';
import { TERMINAL_STATUSES, type GenerationJob } from '../../domain/records.js';
import { ProviderRegistry } from '../../providers/provider-registry.js';
import { JobsRepository } from '../../storage/records/jobs.repository.js';
import { GenerationEvents } from '../generation-events.js';
import { GenerationWorker } from '../generation.worker.js';
import { JobLifecycle } from '../job-lifecycle.js';
import { JobQueue, type EnqueueOptions, type QueueStats } from './job-queue.js';

/** What a BullMQ job carries: only which record to run (the record is the truth). */
interface WorkData {
  readonly jobId: string;
}

/** A change relayed between replicas over Redis pub/sub. */
interface Relayed {
  readonly from: string;
  readonly job: GenerationJob;
}

/** BullMQ's own limiter must be set for a queue-wide pause to apply; this one never binds. */
const UNBOUND_LIMITER = { max: 1_000_000, duration: 1000 } as const;
const WINDOW_MS = 60_000;
/** One queue per provider. */
const queueName = (provider: string): string => `generations-${provider}`;
/** A page of queued records re-announced to BullMQ by the reconciler. */
const RECONCILE_PAGE = 100;

/**
 * Admits `n` images of a provider into its rolling minute, shared by every replica: a log of
 * admissions in a sorted set, scored by Redis's own clock. 0 when admitted, else how long (ms)
 * until enough of the window has passed.
 */
const IMAGES_PER_MINUTE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local n = math.min(tonumber(ARGV[3]), limit)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
if used + n <= limit then
  for i = 1, n do redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. i) end
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], used + n - limit - 1, used + n - limit - 1, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now + 1)
`;

/**
 * JOB_QUEUE=bullmq: BullMQ on Redis carries the work, one queue per provider; the job record
 * stays the truth for its owner (a BullMQ job is `{ jobId }` under the same id, so an enqueue is
 * idempotent). Across every replica: the provider's concurrency (BullMQ global concurrency) and
 * images per minute (a shared rolling window in Redis); a provider's 429 with Retry-After pauses
 * its queue (BullMQ rate limit); a replica that dies leaves its jobs stalled, and BullMQ hands
 * them to another, which counts the attempt (or fails the job `crashed` at the cap). Job changes
 * are relayed over Redis pub/sub, so SSE and cancels reach every replica.
 */
@Injectable()
export class BullmqJobQueue extends JobQueue implements OnApplicationBootstrap, OnModuleDestroy {
  readonly kind = 'bullmq';
  private readonly logger = new Logger(BullmqJobQueue.name);
  private readonly queues = new Map<string, Queue<WorkData>>();
  private readonly workers = new Map<string, Worker<WorkData>>();
  private readonly subscriptions: Subscription[] = [];
  /** BullMQ's queues and workers share it (workers open their own blocking connections). */
  private client?: Redis;
  /** Our own commands: the shared images-per-minute window, relays. */
  private commands?: Redis;
  private subscriber?: Redis;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly worker: GenerationWorker,
    private readonly jobs: JobsRepository,
    private readonly events: GenerationEvents,
    private readonly providers: ProviderRegistry,
    private readonly config: GenerationConfig,
  ) {
    super();
  }

  private get redisUrl(): string {
    const url = this.config.queue.redisUrl;
    if (!url) throw new Error('JOB_QUEUE=bullmq needs REDIS_URL');
    return url;
  }

  private get channel(): string {
    return `${this.config.queue.prefix}:job-changes`;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { prefix } = this.config.queue;
    // BullMQ's workers block on Redis: requests must wait for a reconnect, never fail after N tries.
    const open = () =>
      new Redis(this.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true }).on(
        'error',
        (error: Error) => this.logger.warn({ err: error }, 'Redis connection error'),
      );
    this.client = open();
    this.commands = open();
    this.subscriber = open();
    try {
      await Promise.all([this.client.connect(), this.commands.connect(), this.subscribe()]);
    } catch (error) {
      // Not the URL itself: it may hold a password.
      throw new Error(`JOB_QUEUE=bullmq: Redis at REDIS_URL is unreachable (${String(error)})`, {
        cause: error,
      });
    }
    const staleMs = this.config.staleAfterMs;
    for (const provider of this.providers.list()) {
      const queue = new Queue<WorkData>(queueName(provider.name), {
        connection: this.client,
        prefix,
      });
      const limits = provider.limits();
      if (limits) await queue.setGlobalConcurrency(limits.concurrency);
      this.queues.set(provider.name, queue);
    }
    // Before any run starts here, so that every change made here is relayed and enqueued.
    this.subscriptions.push(
      this.events.local.subscribe((job) => {
        this.relay(job);
        if (job.status === 'queued') this.enqueueQuietly(job);
      }),
      this.events.throttles.subscribe(({ provider, retryAfterMs }) => {
        const queue = this.queues.get(provider);
        this.logger.warn({ provider, retryAfterMs }, 'provider asked to wait: queue paused');
        queue
          ?.rateLimit(retryAfterMs)
          .catch((error: unknown) => this.logger.error({ err: error, provider }, 'pause failed'));
      }),
    );
    for (const provider of this.providers.list()) {
      const worker: Worker<WorkData> = new Worker<WorkData>(
        queueName(provider.name),
        (job, token) => this.process(worker, job, token),
        {
          connection: this.client,
          prefix,
          concurrency: this.config.concurrency,
          limiter: UNBOUND_LIMITER,
          // A replica that stops renewing its lock for as long as a heartbeat may be stale is
          // gone: its jobs are handed to another (attempts are capped by the record, not here).
          lockDuration: staleMs,
          stalledInterval: Math.max(500, Math.floor(staleMs / 2)),
          maxStalledCount: 1_000_000,
        },
      );
      worker.on('error', (error) =>
        this.logger.error({ err: error, provider: provider.name }, 'BullMQ worker error'),
      );
      this.workers.set(provider.name, worker);
    }
    await this.reconcile();
    this.timer = setInterval(
      () => {
        this.reconcile().catch((error: unknown) =>
          this.logger.error({ err: error }, 'reconciling the queue failed'),
        );
      },
      Math.max(staleMs, 1000),
    );
  }

  /**
   * Stops fetching at once, gives running jobs the shutdown grace (then they are handed back to
   * the queue, for another replica), and closes, bounded whatever a run is doing.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    const closing = Promise.allSettled([...this.workers.values()].map((w) => w.close()));
    await this.worker.drain();
    const bound = new AbortController();
    await Promise.race([closing, sleep(1000, undefined, { signal: bound.signal }).catch(() => {})]);
    bound.abort();
    await Promise.allSettled([...this.workers.values()].map((w) => w.close(true)));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    const connections = [this.subscriber, this.commands, this.client].filter(
      (r) => r !== undefined,
    );
    await Promise.allSettled(connections.map((redis) => redis.quit()));
  }

  async enqueue(job: GenerationJob, options: EnqueueOptions = {}): Promise<void> {
    const queue = this.queues.get(job.request.provider);
    if (!queue) throw new Error(`No queue for provider ${job.request.provider}`);
    const runAfter = options.runAfter?.getTime() ?? Date.parse(job.runAfter);
    await queue.add(
      'generate',
      { jobId: job.id },
      {
        jobId: job.id,
        delay: Math.max(0, runAfter - Date.now()),
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }

  async stats(): Promise<QueueStats[]> {
    const stats: QueueStats[] = [];
    for (const [provider, queue] of this.queues) {
      const counts = await queue.getJobCounts('wait', 'prioritized', 'delayed', 'active');
      const queued = (counts.wait ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
      const running = counts.active ?? 0;
      if (queued === 0 && running === 0) continue;
      const [oldest] = await queue.getJobs(['wait', 'prioritized'], 0, 0, true);
      stats.push({
        provider,
        queued,
        running,
        ...(oldest ? { oldestQueuedAt: new Date(oldest.timestamp + (oldest.delay ?? 0)) } : {}),
      });
    }
    return stats;
  }

  /**
   * One BullMQ job: find the record, wait if it is not due (or alive elsewhere), take the
   * provider's images from the shared minute, claim it (an attempt) and run it here; then, if the
   * record went back to the queue (a retry, a shutdown), the same BullMQ job waits until it is due.
   */
  private async process(worker: Worker<WorkData>, bull: BullJob<WorkData>, token?: string) {
    const { jobId } = bull.data;
    const later = async (at: number): Promise<never> => {
      await bull.moveToDelayed(Math.max(at, Date.now()), token);
      throw new DelayedError();
    };
    let job = await this.jobs.findById(jobId);
    if (!job || TERMINAL_STATUSES.includes(job.status)) return;
    if (job.status === 'running') {
      // Handed over by BullMQ as stalled: recovered if its worker is really gone, else looked at
      // again once it could be.
      const recovered = await this.lifecycle.recoverIfStale(jobId);
      if (!recovered) return later(Date.now() + this.config.staleAfterMs);
      if (recovered.status === 'failed') await this.worker.discardImages(jobId);
      if (recovered.status !== 'queued') return;
      job = recovered;
    }
    const due = Date.parse(job.runAfter);
    if (due > Date.now()) return later(due);
    const waitMs = await this.admit(job);
    if (waitMs > 0) {
      await worker.rateLimit(waitMs);
      throw Worker.RateLimitError();
    }
    const claimed = await this.lifecycle.claimJob(jobId, this.worker.workerId);
    if (!claimed) return;
    await this.worker.run(claimed);
    const after = await this.jobs.findById(jobId);
    if (after?.status === 'queued') return later(Date.parse(after.runAfter));
    if (after?.status === 'running') return later(Date.now() + this.config.staleAfterMs);
  }

  /** 0 when the job's images fit the provider's shared minute now, else how long to wait. */
  private async admit(job: GenerationJob): Promise<number> {
    // An unknown or unconfigured provider has no limits here: the run fails it, naming why.
    const provider = this.providers.list().find((p) => p.name === job.request.provider);
    const limits = provider?.limits();
    if (!limits) return 0;
    const key = `${this.config.queue.prefix}:images-per-minute:${job.request.provider}`;
    const member = `${job.id}:${randomBytes(4).toString('hex')}`;
    const wait = await this.commands!.eval(
      IMAGES_PER_MINUTE_LUA,
      1,
      key,
      String(WINDOW_MS),
      String(limits.imagesPerMinute),
      String(job.request.n),
      member,
    );
    return Number(wait);
  }

  private enqueueQuietly(job: GenerationJob): void {
    if (this.stopped) return;
    this.enqueue(job).catch((error: unknown) =>
      this.logger.error({ err: error, jobId: job.id }, 'enqueue failed; the reconciler retries'),
    );
  }

  /** Every queued record has its BullMQ job (a crash between the two, or a switch of engine). */
  private async reconcile(): Promise<void> {
    let after: PageCursor | undefined;
    for (;;) {
      const page = await this.jobs.list(
        { everyOwner: true, status: 'queued' },
        { limit: RECONCILE_PAGE, after },
      );
      for (const job of page) {
        if (this.stopped) return;
        await this.enqueue(job).catch((error: unknown) =>
          this.logger.warn({ err: error, jobId: job.id }, 'could not enqueue a queued job'),
        );
      }
      if (page.length < RECONCILE_PAGE || this.stopped) return;
      const last = page[page.length - 1];
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  /** Sends a change made here to the other replicas. */
  private relay(job: GenerationJob): void {
    const message: Relayed = { from: this.worker.workerId, job };
    this.commands
      ?.publish(this.channel, JSON.stringify(message))
      .catch((error: unknown) => this.logger.warn({ err: error, jobId: job.id }, 'relay failed'));
  }

  /** Other replicas' changes (ioredis subscribes again after a reconnect). */
  private async subscribe(): Promise<void> {
    const subscriber = this.subscriber!;
    subscriber.on('message', (_channel: string, text: string) => {
      try {
        const { from, job } = JSON.parse(text) as Relayed;
        if (from !== this.worker.workerId) this.events.relay(job);
      } catch (error) {
        this.logger.warn({ err: error }, 'unreadable relayed job change');
      }
    });
    await subscriber.connect();
    await subscriber.subscribe(this.channel);
  }
}
