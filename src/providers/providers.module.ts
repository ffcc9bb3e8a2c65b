import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
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
function imageProviders(config: AppConfig): ImageProvider[] {
  const { openai, replicate, download } = config.providers;
  return [
    new OfflineImageProvider(config.providers.offlineLatencyMs),
    new OpenAiImageProvider({
      apiKey: openai.apiKey,
      baseUrl: openai.baseUrl,
      defaultModel: openai.imageModel,
      concurrency: openai.concurrency,
      imagesPerMinute: openai.imagesPerMinute,
      download: createDownloader(openai.downloadHosts, download),
    }),
    new ReplicateImageProvider({
      apiToken: replicate.apiToken,
      baseUrl: replicate.baseUrl,
      model: replicate.model,
      concurrency: replicate.concurrency,
      imagesPerMinute: replicate.imagesPerMinute,
      predictionTimeoutMs: replicate.predictionTimeoutMs,
      download: createDownloader(replicate.downloadHosts, download),
    }),
  ];
}

@Module({
  controllers: [ProvidersController],
  providers: [
    { provide: IMAGE_PROVIDERS, useFactory: imageProviders, inject: [AppConfig] },
    ProviderRegistry,
    ProvidersService,
  ],
  exports: [ProviderRegistry],
})
export class ProvidersModule {}
