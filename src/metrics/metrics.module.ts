import { Global, Module } from '@nestjs/common';
import { GenerationsModule } from '../generations/generations.module.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { GenerationMetrics } from './generation-metrics.js';
import { HttpMetrics } from './http-metrics.js';
import { MetricsEndpoint } from './metrics.endpoint.js';
import { Metrics } from './metrics.js';
import { ProviderLabels } from './provider-labels.js';
import { QueueMetrics } from './queue-metrics.js';

/**
 * Prometheus metrics: one registry per app (`Metrics`, global so that the provider registry and
 * the store factories can meter their ports), HTTP timings, job outcomes, queue gauges read on
 * scrape, and `GET /metrics` behind METRICS_TOKEN.
 */
@Global()
@Module({
  imports: [GenerationsModule, ProvidersModule],
  providers: [
    Metrics,
    ProviderLabels,
    HttpMetrics,
    GenerationMetrics,
    QueueMetrics,
    MetricsEndpoint,
  ],
  exports: [Metrics],
})
export class MetricsModule {}
