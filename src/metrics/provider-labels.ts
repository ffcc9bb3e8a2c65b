import { Injectable } from '@nestjs/common';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { OTHER } from './metrics.js';
import { modelLabel } from './metered-image-provider.js';

/**
 * Provider and model names as label values: those this service knows (every registered
 * provider, and the models each declares), else `other`. A job read back from the store may name
 * a model an older configuration allowed (REPLICATE_MODEL changed): it counts as `other`.
 */
@Injectable()
export class ProviderLabels {
  constructor(private readonly providers: ProviderRegistry) {}

  /** Every provider's name: the label values gauges are filled for, zero included. */
  names(): string[] {
    return this.providers.list().map((provider) => provider.name);
  }

  provider(name: string): string {
    return this.names().includes(name) ? name : OTHER;
  }

  model(providerName: string, model: string): string {
    const provider = this.providers.list().find((known) => known.name === providerName);
    return provider ? modelLabel(provider, model) : OTHER;
  }
}
