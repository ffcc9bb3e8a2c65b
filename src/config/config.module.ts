import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AppConfig } from './app-config.js';
import { SLICES } from './config-slices.js';

/**
 * Makes the one validated `AppConfig` injectable everywhere, and each of its slices on its own, so
 * that a service's constructor says which part of the configuration it reads.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    const slices = Object.entries(SLICES).map(([name, token]) => ({
      provide: token,
      useValue: config[name as keyof typeof SLICES],
    }));
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }, ...slices],
      exports: [AppConfig, ...Object.values(SLICES)],
    };
  }
}
