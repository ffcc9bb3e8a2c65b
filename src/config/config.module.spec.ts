import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { AppConfig, loadConfig } from './app-config.js';
import { GenerationConfig, SchedulesConfig, ServerConfig } from './config-slices.js';
import { ConfigModule } from './config.module.js';

/** A service that reads one slice, as services should. */
@Injectable()
class Worker {
  constructor(readonly generation: GenerationConfig) {}
}

describe('ConfigModule', () => {
  let dataDir: string;
  let config: AppConfig;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'config-module-'));
    config = loadConfig({ DATA_DIR: dataDir, GENERATION_CONCURRENCY: '7', PORT: '8081' });
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('injects each slice of the one configuration on its own, and the whole', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config)],
      providers: [Worker],
    }).compile();

    expect(moduleRef.get(Worker).generation.concurrency).toBe(7);
    expect(moduleRef.get(ServerConfig).port).toBe(8081);
    expect(moduleRef.get(SchedulesConfig)).toBe(config.schedules);
    expect(moduleRef.get(AppConfig)).toBe(config);
    await moduleRef.close();
  });
});
