import { Module } from '@nestjs/common';
import { ProvidersConfig } from '../config/config-slices.js';
import { IMAGE_PROVIDERS, type ImageProvider } from './image-provider.js';
import { OfflineImageProvider } from './offline/offline.image-provider.js';
import { OpenAiImageProvider } from './openai/openai.image-provider.js';
import { ProviderRegistry } from './provider-registry.js';
import { ProvidersController } from './providers.controller.js';
import { ProvidersService } from './providers.service.js';
import { ReplicateImageProvider } from './replicate/replicate.image-provider.js';
import { createDownloader } from './safe-download.js';

/**
 * Every provider is registered, configured or not: `GET /providers` shows which are usable and
 * what to set, and a request naming an unconfigured one gets a 400 naming the variable.
 */
function imageProviders(config: ProvidersConfig): ImageProvider[] {
  const { openai, replicate, download } = config;
  return [
    new OfflineImageProvider(config.offlineLatencyMs),
    new OpenAiImageProvider({
      apiKey: openai.apiKey,
      baseUrl: openai.baseUrl,
      defaultModel: openai.imageModel,
      concurrency: openai.concurrency,
      imagesPerMinute: openai.imagesPerMinute,
      download: createDownloader(openai.downloadHosts, download),
    }),
    new ReplicateImageProvider({
      ...replicate,
      download: createDownloader(replicate.downloadHosts, download),
    }),
  ];
}

@Module({
  controllers: [ProvidersController],
  providers: [
    { provide: IMAGE_PROVIDERS, useFactory: imageProviders, inject: [ProvidersConfig] },
    ProviderRegistry,
    ProvidersService,
  ],
  exports: [ProviderRegistry],
})
export class ProvidersModule {}
