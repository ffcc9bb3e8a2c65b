import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { GenerationJob } from '../domain/records.js';
import { GenerationEvents } from '../generations/generation-events.js';
import { errorCodeLabel, Metrics } from './metrics.js';
import { ProviderLabels } from './provider-labels.js';

const SETTLED: ReadonlySet<GenerationJob['status']> = new Set(['succeeded', 'failed', 'canceled']);

/**
 * Counts each job that settles on this replica (succeeded, failed or canceled), from the job
 * changes `JobLifecycle` publishes once per written transition: the outcome, the error code of a
 * failure, and the attempts it used. Summed over replicas, each job counts once.
 */
@Injectable()
export class GenerationMetrics implements OnModuleInit, OnModuleDestroy {
  private subscription?: Subscription;

  constructor(
    private readonly events: GenerationEvents,
    private readonly metrics: Metrics,
    private readonly labels: ProviderLabels,
  ) {}

  onModuleInit(): void {
    // Changes made here only: with the bullmq engine `changes` also carries other replicas'
    // (relayed), which they count themselves.
    this.subscription = this.events.local.subscribe((job) => this.settled(job));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  private settled(job: GenerationJob): void {
    if (!SETTLED.has(job.status)) return;
    const provider = this.labels.provider(job.request.provider);
    const model = this.labels.model(job.request.provider, job.request.model);
    const outcome = job.status;
    this.metrics.generations.inc({ provider, model, outcome });
    this.metrics.jobAttempts.observe({ provider, outcome }, job.attempts);
    if (job.status === 'failed') {
      this.metrics.generationFailures.inc({ provider, code: errorCodeLabel(job.error?.code) });
    }
  }
}
