import { Module } from '@nestjs/common';
import { PromptsModule } from '../prompts/prompts.module.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { GenerationEvents } from './generation-events.js';
import { GenerationRunner } from './generation.runner.js';
import { GenerationWorker } from './generation.worker.js';
import { GenerationsController } from './generations.controller.js';
import { GenerationsService } from './generations.service.js';
import { JobLifecycle } from './job-lifecycle.js';
import { OrphanSweeper } from './orphan-sweeper.js';

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
  ],
  exports: [GenerationsService, GenerationEvents],
})
export class GenerationsModule {}
