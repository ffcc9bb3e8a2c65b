import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LifecycleModule } from '../lifecycle/lifecycle.module.js';
import { DiskSpace } from './disk-space.js';
import { HealthController } from './health.controller.js';

// LifecycleModule is global; it is imported here because readiness is its first reader.
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), LifecycleModule],
  controllers: [HealthController],
  providers: [DiskSpace],
})
export class HealthModule {}
