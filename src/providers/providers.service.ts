import { Injectable } from '@nestjs/common';
import type { ProviderListDto } from './dto/provider.dto.js';
import { ProviderRegistry } from './provider-registry.js';

@Injectable()
export class ProvidersService {
  constructor(private readonly registry: ProviderRegistry) {}

  list(): ProviderListDto {
    return {
      items: this.registry.list().map((provider) => {
        const { configured, missing } = provider.status();
        const limits = provider.limits();
        const { models, defaultModel } = provider.capabilities();
        return {
          name: provider.name,
          description: provider.description,
          isDefault: provider.name === this.registry.defaultName,
          configured,
          missing: [...missing],
          defaultModel,
          ...(limits ? { limits } : {}),
          models: models.map((model) => ({
            ...model,
            sizes: [...model.sizes],
            qualities: [...model.qualities],
            styles: [...model.styles],
          })),
        };
      }),
    };
  }
}
