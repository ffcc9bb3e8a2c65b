import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ImageProcessor } from '../generations/image-processing.js';
import { DrainGuard } from './drain.guard.js';
import { ProcessLifecycle } from './process-lifecycle.js';
import { RunMonitor } from './run-monitor.js';

/**
 * What keeps the process stoppable and honest about its state: the draining flag (readiness, new
 * jobs refused), the runs' deadlines (readiness), and the image worker threads that a deadline can
 * abandon. Global: the runner and readiness read them.
 */
@Global()
@Module({
  providers: [
    ProcessLifecycle,
    RunMonitor,
    ImageProcessor,
    { provide: APP_GUARD, useClass: DrainGuard },
  ],
  exports: [ProcessLifecycle, RunMonitor, ImageProcessor],
})
export class LifecycleModule {}
