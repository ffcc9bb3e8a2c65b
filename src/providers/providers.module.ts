import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { IMAGE_PROVIDERS } from './image-provider.js';
import { OfflineImageProvider } from './offline/offline.image-provider.js';
import { ProviderRegistry } from './provider-registry.js';
import { ProvidersController } from './providers.controller.js';
import { ProvidersService } from './providers.service.js';

@Module({
  controllers: [ProvidersController],
  providers: [
    {
      provide: IMAGE_PROVIDERS,
      useFactory: (config: AppConfig) => [
        new OfflineImageProvider(config.providers.offlineLatencyMs),
      ],
      inject: [AppConfig],
    },
    ProviderRegistry,
    ProvidersService,
  ],
  exports: [ProviderRegistry],
})
export class ProvidersModule {}
