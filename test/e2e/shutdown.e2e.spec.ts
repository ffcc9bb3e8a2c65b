/**
 * A bounded shutdown. In process: while draining, readiness is 503 and new jobs get 503 with
 * Retry-After. As a real process (`main.ts`, signals and all): SIGTERM while a job waits on a
 * provider that never answers, or on an image step that never returns, exits within
 * SHUTDOWN_GRACE_MS + 2 s and hands the job back to the queue; a second signal exits at once.
 *
 * The process is the service as production runs it (`dist/bundle/main.js`), built from the working
 * tree's sources into a scratch folder (test/support/built-service.ts).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ProcessLifecycle } from '../../src/lifecycle/process-lifecycle.js';
import { SqliteDatabase } from '../../src/storage/records/sqlite/sqlite.database.js';
import { SqliteJobsRepository } from '../../src/storage/records/sqlite/sqlite.jobs.repository.js';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai.fake.js';
import { register, startApp, type TestApp } from '../support/app.js';
import {
  buildService,
  startService,
  type BuiltService,
  type ServiceProcess,
} from '../support/built-service.js';
import { waitFor } from '../support/wait.js';

const GRACE_MS = 2000;
/** What the issue allows past the grace. */
const EXIT_BOUND_MS = GRACE_MS + 2000;

describe('e2e: draining (in process)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers readiness 503 and refuses new jobs with 503 + Retry-After, serving the rest', async () => {
    const user = await register(t.http);
    await t.http.get('/health/ready').expect(200);
    t.app.get(ProcessLifecycle).drain();

    const ready = await t.http.get('/health/ready').expect(503);
    expect(ready.body.detail).toContain('process: shutting down');
    const refused = await t.http.post('/api/v1/generations').set(user.auth).send({}).expect(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await t.http.get('/api/v1/generations').set(user.auth).expect(200);
    await t.http.get('/health/live').expect(200);
  });
});

describe('e2e: SIGTERM exits within SHUTDOWN_GRACE_MS + 2 s (real process)', () => {
  let build: BuiltService;
  let openai: OpenAiFake;
  let server: ServiceProcess | undefined;

  beforeAll(async () => {
    build = await buildService();
    openai = await startOpenAiFake();
  }, 120_000);
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  afterAll(async () => {
    await openai?.close();
  });

  async function start(env: Record<string, string>): Promise<ServiceProcess> {
    server = await startService(build.bundle, { SHUTDOWN_GRACE_MS: String(GRACE_MS), ...env });
    return server;
  }

  async function api(
    s: ServiceProcess,
    method: string,
    path: string,
    body?: object,
    token?: string,
  ) {
    const response = await fetch(s.url + path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : {},
    };
  }

  /** Registers, submits `body` and waits until the job is running; returns its id. */
  async function runningJob(
    s: ServiceProcess,
    body: object,
  ): Promise<{ id: string; token: string }> {
    const user = await api(s, 'POST', '/api/v1/auth/register', {
      email: `shutdown-${Date.now()}@example.com`,
      password: 'correct horse battery',
    });
    expect(user.status).toBe(201);
    const token = user.body.accessToken as string;
    const job = await api(s, 'POST', '/api/v1/generations', body, token);
    expect(job.status).toBe(202);
    await waitFor(async () => {
      const read = await api(s, 'GET', `/api/v1/generations/${job.body.id}`, undefined, token);
      return read.body.status === 'running' ? true : undefined;
    }, 'the job to run');
    return { id: job.body.id as string, token };
  }

  /**
   * SIGTERM; then, while it drains: readiness 503 and new jobs refused. Returns the ms to exit and
   * how it ended.
   */
  async function terminate(
    s: ServiceProcess,
    token: string,
  ): Promise<{ ms: number; signal: NodeJS.Signals | null }> {
    const sent = Date.now();
    s.child.kill('SIGTERM');
    await waitFor(async () => {
      const ready = await api(s, 'GET', '/health/ready');
      return ready.status === 503 ? true : undefined;
    }, 'readiness 503');
    const refused = await api(s, 'POST', '/api/v1/generations', {}, token);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    const { signal } = await s.exited;
    const ms = Date.now() - sent;
    process.stderr.write(`exit after SIGTERM: ${ms} ms (${signal})\n`);
    return { ms, signal };
  }

  async function statusOf(s: ServiceProcess, jobId: string) {
    const sqlite = new SqliteDatabase(join(s.dataDir, 'image-forge.db'));
    try {
      return await new SqliteJobsRepository(sqlite).findById(jobId);
    } finally {
      sqlite.close();
    }
  }

  it('a provider that never answers: exits in bound, the job handed back to the queue', async () => {
    openai.script(...[1, 2, 3].map(() => ({ kind: 'hang' as const, endpoint: 'images' as const })));
    const s = await start({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_IMAGES_PER_MINUTE: '1000',
      GENERATION_TIMEOUT_MS: '600000',
    });
    const job = await runningJob(s, { provider: 'openai', prompt: 'a kite over dunes' });
    const { ms, signal } = await terminate(s, job.token);
    expect(ms).toBeLessThan(EXIT_BOUND_MS);
    // The orderly end (the signal's own default action), not the hard kill past the grace.
    expect(signal).toBe('SIGTERM');
    expect(await statusOf(s, job.id)).toMatchObject({ status: 'queued', workerId: null });
  });

  it('an image step that never returns: exits in bound, the job handed back to the queue', async () => {
    const s = await start({ IMAGE_WORKER_TEST_HANG: '1', GENERATION_TIMEOUT_MS: '600000' });
    const job = await runningJob(s, { size: '256x256' });
    const { ms, signal } = await terminate(s, job.token);
    expect(ms).toBeLessThan(EXIT_BOUND_MS);
    // The orderly end (the signal's own default action), not the hard kill past the grace.
    expect(signal).toBe('SIGTERM');
    expect(await statusOf(s, job.id)).toMatchObject({ status: 'queued', workerId: null });
  });

  it('a shutdown that overruns its grace (a close that never ends) is cut off by the hard exit', async () => {
    // GracefulShutdown itself, as built, around an app whose close hangs for ever.
    const script = join(build.out, 'overrun.mjs');
    writeFileSync(
      script,
      `import { GracefulShutdown } from './lifecycle/graceful-shutdown.js';
import { ProcessLifecycle } from './lifecycle/process-lifecycle.js';
const lifecycle = new ProcessLifecycle({});
const app = { get: () => lifecycle, close: () => new Promise(() => {}) };
new GracefulShutdown(app, ${GRACE_MS}).listen();
setInterval(() => {}, 1000);
console.log('READY');
`,
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const closed = once(child, 'close');
    await waitFor(async () => (output.includes('READY') ? true : undefined), 'the script');
    const sent = Date.now();
    child.kill('SIGTERM');
    const [, signal] = await closed;
    const ms = Date.now() - sent;
    expect(signal).toBe('SIGKILL');
    expect(ms).toBeGreaterThanOrEqual(GRACE_MS);
    expect(ms).toBeLessThan(EXIT_BOUND_MS);
    expect(output).toContain('shutdown overran its grace; exiting now');
  });

  it('a second signal exits at once, long before a long grace ends', async () => {
    const s = await start({
      IMAGE_WORKER_TEST_HANG: '1',
      GENERATION_TIMEOUT_MS: '600000',
      SHUTDOWN_GRACE_MS: '60000',
    });
    const job = await runningJob(s, { size: '256x256' });
    s.child.kill('SIGTERM');
    await waitFor(async () => {
      const ready = await api(s, 'GET', '/health/ready');
      return ready.status === 503 ? true : undefined;
    }, 'readiness 503');
    const sent = Date.now();
    s.child.kill('SIGINT');
    const { signal } = await s.exited;
    expect(signal).toBe('SIGKILL');
    expect(Date.now() - sent).toBeLessThan(2000);
    expect(s.output()).toContain('second signal: exiting now');
    // Nothing handed it back: its heartbeat goes stale and recovery re-queues it elsewhere.
    expect((await statusOf(s, job.id))?.status).toBe('running');
  });
});
