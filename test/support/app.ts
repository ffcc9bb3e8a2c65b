import 'reflect-metadata';
import { mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { MAX_PENDING_LOG_BYTES, type LogOutput } from '../../src/common/logging.js';
import { loadConfig } from '../../src/config/app-config.js';
import { TEST_STORE_READ_TIMEOUT_MS } from './store-timeout.js';
import { CHEAP_PASSWORD_HASHES, THROTTLING_OFF } from './test-env.js';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly http: ReturnType<typeof request>;
  readonly dataDir: string;
  /**
   * Makes the app listen on 127.0.0.1 (a free port) if it does not yet, and returns its base URL
   * (`http://127.0.0.1:PORT`), for clients that speak real HTTP (fetch, the SDK).
   */
  listen(): Promise<string>;
  /** Closes the app; `keepData` leaves DATA_DIR for a restart on it. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Where test apps log: a file per test worker, `test-artifacts/app-logs/<pid>.log`, not the
 * test run's output. Apps start at LOG_LEVEL=silent, but a test may raise the level (the contract
 * fuzz sets it as an admin can, `PUT /admin/log-level`). Opened once per test file, and never
 * closed: a logger may still write to it after its app has closed.
 */
let logOutput: LogOutput | undefined;
function testLogOutput(): LogOutput {
  if (!logOutput) {
    const dir = new URL('../../test-artifacts/app-logs/', import.meta.url).pathname;
    mkdirSync(dir, { recursive: true });
    const fd = openSync(join(dir, `${process.pid}.log`), 'a');
    logOutput = { fd, maxPendingBytes: MAX_PENDING_LOG_BYTES };
  }
  return logOutput;
}

/**
 * The real app (same `createApp` as `server.ts`) on a fresh DATA_DIR: SQLite file, local blobs,
 * offline provider. `env` overrides any variable.
 */
export async function startApp(
  env: Record<string, string> = {},
  dataDir?: string,
): Promise<TestApp> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'image-forge-test-'));
  const config = loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    GENERATION_POLL_MS: '100',
    STORE_READ_TIMEOUT_MS: String(TEST_STORE_READ_TIMEOUT_MS),
    NODE_ENV: 'test',
    ...THROTTLING_OFF,
    ...CHEAP_PASSWORD_HASHES,
    ...env,
  });
  const app = await createApp(config, { logOutput: testLogOutput() });
  return {
    app,
    http: request(app.getHttpServer()),
    dataDir: dir,
    async listen() {
      const server = app.getHttpServer();
      if (!server.listening) await app.listen(0, '127.0.0.1');
      const { port } = server.address() as AddressInfo;
      return `http://127.0.0.1:${port}`;
    },
    async close({ keepData = false } = {}) {
      await app.close();
      if (!keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Account {
  readonly token: string;
  readonly id: string;
  readonly email: string;
  readonly auth: { Authorization: string };
}

let accounts = 0;

export async function register(http: TestApp['http'], email?: string): Promise<Account> {
  const address = email ?? `user${++accounts}-${Date.now()}@example.com`;
  const response = await http
    .post('/api/v1/auth/register')
    .send({ email: address, password: 'correct horse battery' })
    .expect(201);
  const body = response.body as { accessToken: string; user: { id: string } };
  return {
    token: body.accessToken,
    id: body.user.id,
    email: address,
    auth: { Authorization: `Bearer ${body.accessToken}` },
  };
}
