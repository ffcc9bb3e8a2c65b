import { Module } from '@nestjs/common';
import { GenerationConfig } from '../config/config-slices.js';
import { PromptsModule } from '../prompts/prompts.module.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { JobsRepository } from '../storage/records/jobs.repository.js';
import { GenerationEvents } from './generation-events.js';
import { GenerationRunner } from './generation.runner.js';
import { GenerationWorker } from './generation.worker.js';
import { GenerationsController } from './generations.controller.js';
import { GenerationsService } from './generations.service.js';
import { JobLifecycle } from './job-lifecycle.js';
import { OrphanSweeper } from './orphan-sweeper.js';
import { JobQueue } from './queue/job-queue.js';
import { LocalJobQueue } from './queue/local.job-queue.js';

@Module({
  imports: [PromptsModule, ProvidersModule],
  controllers: [GenerationsController],
  providers: [
    GenerationsService,
    GenerationEvents,
    JobLifecycle,
    GenerationRunner,
    GenerationWorker,
    OrphanSweeper,
    {
      // JOB_QUEUE picks the engine; only the chosen one is built (no Redis for `local`), and
      // BullMQ (some 300 modules) is imported only when it is the one.
      provide: JobQueue,
      inject: [
        JobLifecycle,
        GenerationWorker,
        JobsRepository,
        GenerationEvents,
        ProviderRegistry,
        GenerationConfig,
      ],
      useFactory: async (
        lifecycle: JobLifecycle,
        worker: GenerationWorker,
        jobs: JobsRepository,
        events: GenerationEvents,
        providers: ProviderRegistry,
        config: GenerationConfig,
      ): Promise<JobQueue> => {
        if (config.queue.engine !== 'bullmq') {
          return new LocalJobQueue(lifecycle, worker, jobs, events, config);
        }
        const { BullmqJobQueue } = await import('./queue/bullmq.job-queue.js');
        return new BullmqJobQueue(lifecycle, worker, jobs, events, providers, config);
      },
    },
  ],
  exports: [GenerationsService, GenerationEvents, JobQueue],
})
export class GenerationsModule {}
