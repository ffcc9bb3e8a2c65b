import { Global, Module, type DynamicModule } from '@nestjs/common';
import { FrontDoor } from './front-door.js';

/** Makes the service's `FrontDoor` (made with its HTTP server, before Nest) injectable. */
@Global()
@Module({})
export class FrontDoorModule {
  static forRoot(frontDoor: FrontDoor): DynamicModule {
    return {
      module: FrontDoorModule,
      providers: [{ provide: FrontDoor, useValue: frontDoor }],
      exports: [FrontDoor],
    };
  }
}
