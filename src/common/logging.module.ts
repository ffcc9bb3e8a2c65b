import { Global, Module, type DynamicModule } from '@nestjs/common';
import { LogLevels } from './logging.js';

/** Makes the service's `LogLevels` (made with its root logger, before Nest) injectable. */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(levels: LogLevels): DynamicModule {
    return {
      module: LoggingModule,
      providers: [{ provide: LogLevels, useValue: levels }],
      exports: [LogLevels],
    };
  }
}
