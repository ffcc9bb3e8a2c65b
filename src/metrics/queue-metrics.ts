import { Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { JobQueue, type QueueStats } from '../generations/queue/job-queue.js';
import { Metrics } from './metrics.js';
import { ProviderLabels } from './provider-labels.js';

/**
 * Queue depth and the age of the oldest queued job per provider, read from the `JobQueue` port
 * when Prometheus scrapes (one `stats()` call serves both gauges). Every known provider has a
 * sample, zero when idle; a failed read leaves the gauges empty for that scrape and is logged.
 */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  private readonly logger = new Logger(QueueMetrics.name);
  private pending?: Promise<QueueStats[] | null>;

  constructor(
    private readonly metrics: Metrics,
    private readonly labels: ProviderLabels,
    @Optional() private readonly queue?: JobQueue,
  ) {}

  onModuleInit(): void {
    const queue = this.queue;
    if (!queue) return;
    const read = () => (this.pending ??= this.read(queue));
    const labels = this.labels;
    new Gauge({
      name: 'image_forge_queue_jobs',
      help: 'Generation jobs per provider and state (queued: waiting, retries included; running: on any replica)',
      labelNames: ['provider', 'state'] as const,
      registers: [this.metrics.registry],
      async collect() {
        const stats = await read();
        this.reset();
        if (!stats) return;
        for (const name of labels.names()) {
          this.set({ provider: name, state: 'queued' }, 0);
          this.set({ provider: name, state: 'running' }, 0);
        }
        for (const { provider, queued, running } of stats) {
          const label = labels.provider(provider);
          this.inc({ provider: label, state: 'queued' }, queued);
          this.inc({ provider: label, state: 'running' }, running);
        }
      },
    });
    new Gauge({
      name: 'image_forge_queue_oldest_queued_age_seconds',
      help: 'Seconds since the oldest queued job of each provider became runnable (0: none waiting)',
      labelNames: ['provider'] as const,
      registers: [this.metrics.registry],
      async collect() {
        const stats = await read();
        this.reset();
        if (!stats) return;
        const now = Date.now();
        const ages = new Map(labels.names().map((name) => [name, 0]));
        for (const { provider, oldestQueuedAt } of stats) {
          const label = labels.provider(provider);
          const age = oldestQueuedAt ? Math.max(0, (now - oldestQueuedAt.getTime()) / 1000) : 0;
          ages.set(label, Math.max(ages.get(label) ?? 0, age));
        }
        for (const [provider, age] of ages) this.set({ provider }, age);
      },
    });
  }

  /** One read per scrape: both gauges' collects start together and share it. */
  private async read(queue: JobQueue): Promise<QueueStats[] | null> {
    try {
      return await queue.stats();
    } catch (error) {
      this.logger.warn({ err: error }, 'reading queue stats for metrics failed');
      return null;
    } finally {
      this.pending = undefined;
    }
  }
}
