import { Module, type DynamicModule } from '@nestjs/common';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import type { FrontDoor } from './common/front-door.js';
import { FrontDoorModule } from './common/front-door.module.js';
import { LoggingModule } from './common/logging.module.js';
import type { LogLevels } from './common/logging.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { GalleryModule } from './gallery/gallery.module.js';
import { GenerationsModule } from './generations/generations.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PromptsModule } from './prompts/prompts.module.js';
import { ProvidersModule } from './providers/providers.module.js';
import { SchedulingModule } from './scheduling/scheduling.module.js';
import { BlobsModule } from './storage/blobs/blobs.module.js';
import { RecordsModule } from './storage/records/records.module.js';
import { ThrottleModule } from './throttle/throttle.module.js';
import { WebModule } from './web/web.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logLevels: LogLevels, frontDoor: FrontDoor): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logLevels),
        FrontDoorModule.forRoot(frontDoor),
        RecordsModule.forRoot(config),
        BlobsModule,
        // Before ThrottleModule: global guards run in the order their modules come, and the
        // throttle counts some routes per signed-in account, which the credentials guard sets.
        AuthModule,
        ThrottleModule,
        AdminModule,
        PromptsModule,
        ProvidersModule,
        GenerationsModule,
        GalleryModule,
        SchedulingModule,
        HealthModule,
        MetricsModule,
        WebModule,
      ],
    };
  }
}
