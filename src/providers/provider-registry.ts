import { Inject, Injectable, Optional } from '@nestjs/common';
import { ProvidersConfig } from '../config/config-slices.js';
import { ValidationError } from '../common/errors.js';
import { IMAGE_PROVIDERS, ImageProvider, type ModelCapabilities } from './image-provider.js';
import { meteredProvider } from '../metrics/metered-image-provider.js';
import { Metrics } from '../metrics/metrics.js';
import { withLimits } from './provider-limiter.js';

/**
 * Name-keyed registry of every image provider, each held to its local limits (`withLimits`) and,
 * inside them, metered (`meteredProvider`: the call's own time); resolves a request's provider
 * and model.
 */
@Injectable()
export class ProviderRegistry {
  private readonly byName: ReadonlyMap<string, ImageProvider>;

  constructor(
    @Inject(IMAGE_PROVIDERS) providers: ImageProvider[],
    private readonly config: ProvidersConfig,
    @Optional() metrics?: Metrics,
  ) {
    this.byName = new Map(
      providers.map((provider) => [
        provider.name,
        withLimits(metrics ? meteredProvider(provider, metrics) : provider),
      ]),
    );
  }

  get defaultName(): string {
    return this.config.default;
  }

  list(): ImageProvider[] {
    return [...this.byName.values()];
  }

  /** The named (or default) provider, if it is known and configured; a 400 naming `field` if not. */
  resolve(name: string | undefined, field = 'provider'): ImageProvider {
    const provider = this.byName.get(name ?? this.defaultName);
    if (!provider) {
      throw ValidationError.field(field, `must be one of: ${[...this.byName.keys()].join(', ')}`);
    }
    const { configured, missing } = provider.status();
    if (!configured) {
      throw ValidationError.field(
        field,
        `${provider.name} is not configured: set ${missing.join(', ')}`,
      );
    }
    return provider;
  }

  /** The named (or default) model of `provider`; a 400 naming `model` if it has none such. */
  model(provider: ImageProvider, id: string | undefined): ModelCapabilities {
    const capabilities = provider.capabilities();
    const model = capabilities.models.find((m) => m.id === (id ?? capabilities.defaultModel));
    if (!model) {
      const known = capabilities.models.map((m) => m.id).join(', ');
      throw ValidationError.field('model', `${provider.name} offers: ${known}`);
    }
    return model;
  }
}
