import type { DynamicModule, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { QuotaModule } from '../../../src/auth/quota.module.js';
import { FrontDoor } from '../../../src/common/front-door.js';
import { FrontDoorModule } from '../../../src/common/front-door.module.js';
import { loadConfig } from '../../../src/config/app-config.js';
import { ConfigModule } from '../../../src/config/config.module.js';
import { CHEAP_PASSWORD_HASHES } from '../test-env.js';
import { buildFakes, FakePortsModule, type Fakes } from './index.js';

export interface ModuleWithFakes {
  readonly moduleRef: TestingModule;
  readonly fakes: Fakes;
}

/**
 * Compiles the app's own feature `modules` on the in-memory fakes of the storage ports, with the
 * configuration `loadConfig` makes of `env`, wired as the app wires them: a spec gets its service
 * with `moduleRef.get(...)`, whatever that service's constructor takes. Boot hooks do not run (no
 * worker polls, no stored schedule is registered); close `moduleRef` after each test, which stops
 * any cron job a test registered.
 */
export async function compileWithFakes(
  modules: (Type | DynamicModule)[],
  env: Record<string, string> = {},
): Promise<ModuleWithFakes> {
  const fakes = buildFakes();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ...CHEAP_PASSWORD_HASHES,
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    // QuotaModule is global in the app too: every way a generation starts passes through it. The
    // front door has no server here: no request reaches it.
    imports: [
      ConfigModule.forRoot(config),
      FrontDoorModule.forRoot(new FrontDoor({ headers: {}, cors: false })),
      FakePortsModule.with(fakes),
      QuotaModule,
      ...modules,
    ],
  }).compile();
  moduleRef.useLogger(false);
  return { moduleRef, fakes };
}
