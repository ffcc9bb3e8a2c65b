/**
 * JOB_QUEUE=bullmq when a replica dies (SIGKILL, mid-job): BullMQ hands its job to another
 * replica, which counts the attempt; a job whose replica dies on its last attempt ends `failed`
 * with `crashed`, which its owner reads. The replicas that die are real processes, run from a
 * build of src/ (`buildService`, shared with the other suites that run the service as built).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';

import type { GenerationJob } from '../../src/domain/records.js';
import { SqliteDatabase } from '../../src/storage/records/sqlite/sqlite.database.js';
import { SqliteImagesRepository } from '../../src/storage/records/sqlite/sqlite.images.repository.js';
import { makeImage } from '../fixtures/records.js';
import { startApp, type TestApp } from '../support/app.js';
import { buildService, type BuiltService } from '../support/built-service.js';
import { CHEAP_PASSWORD_HASHES, THROTTLING_OFF } from '../support/test-env.js';
import { describeWithRedis, startRedis, type RedisServer } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

const root = new URL('../../', import.meta.url).pathname;

interface Child {
  readonly url: string;
  readonly process: ChildProcess;
}

async function startReplica(
  build: BuiltService,
  env: Record<string, string>,
  dataDir: string,
): Promise<Child> {
  const child = spawn(
    process.execPath,
    [join(root, 'test/support/replica-process.mjs'), build.out],
    {
      env: {
        ...process.env,
        ...THROTTLING_OFF,
        ...CHEAP_PASSWORD_HASHES,
        LOG_LEVEL: 'silent',
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`replica exited (${code}): ${stderr}`)));
  });
  return { url, process: child };
}

async function kill(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGKILL');
  await exited;
}

async function api<T>(url: string, path: string, token?: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describeWithRedis()('e2e: JOB_QUEUE=bullmq, a replica killed mid-job', () => {
  let redis: RedisServer;
  let dir: string;
  const children: Child[] = [];
  let survivor: TestApp | undefined;
  let build: BuiltService;
  beforeAll(async () => {
    build = await buildService();
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'image-forge-crash-'));
  }, 120_000);
  afterAll(async () => {
    for (const child of children) await kill(child);
    await survivor?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the job completes on another replica with the attempt counted; at the cap it ends `crashed`', async () => {
    const env = {
      JOB_QUEUE: 'bullmq',
      REDIS_URL: redis.url,
      SQLITE_PATH: join(dir, 'shared.db'),
      BLOB_LOCAL_DIR: join(dir, 'blobs'),
      JWT_SECRET: 'a-shared-secret-for-the-replicas-of-the-crash-test',
      DAILY_IMAGE_QUOTA: '0',
      GENERATION_MAX_ATTEMPTS: '2',
      GENERATION_HEARTBEAT_MS: '300',
      GENERATION_STALE_AFTER_MS: '1500',
      GENERATION_POLL_MS: '200',
      OFFLINE_LATENCY_MS: '2500',
    };
    const first = await startReplica(build, env, join(dir, 'r1'));
    children.push(first);
    const { accessToken, user } = await api<{ accessToken: string; user: { id: string } }>(
      first.url,
      '/auth/register',
      undefined,
      {
        email: 'crash@example.com',
        password: 'a long enough passphrase',
      },
    );
    const read = (url: string, id: string) =>
      api<GenerationJob>(url, `/generations/${id}`, accessToken);
    // `short` takes one image (2.5 s), `long` three (7.5 s).
    const short = await api<GenerationJob>(first.url, '/generations', accessToken, {
      n: 1,
      size: '256x256',
    });
    const long = await api<GenerationJob>(first.url, '/generations', accessToken, {
      n: 3,
      size: '256x256',
    });
    const running = (url: string, id: string, attempts: number) =>
      waitFor(
        async () => {
          const job = await read(url, id);
          return job.status === 'running' && job.attempts === attempts ? job : undefined;
        },
        `${id} running, attempt ${attempts}`,
        30_000,
        100,
      );
    await running(first.url, short.id, 1);
    await running(first.url, long.id, 1);
    await kill(first);

    // Another replica takes both over once the dead one's lock and heartbeat are stale.
    const second = await startReplica(build, env, join(dir, 'r2'));
    children.push(second);
    await running(second.url, long.id, 2);
    const done = await waitFor(
      async () => {
        const job = await read(second.url, short.id);
        return job.status === 'succeeded' ? job : undefined;
      },
      'the short job to finish on the second replica',
      30_000,
      100,
    );
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(done.imageIds).toHaveLength(1);
    // It dies again, on the long job's last attempt. Say that attempt had stored an image:
    await kill(second);
    const sqlite = new SqliteDatabase(env.SQLITE_PATH);
    await new SqliteImagesRepository(sqlite).insert(
      makeImage({ ownerId: user.id, jobId: long.id, visibility: 'private' }),
    );
    sqlite.close();
    const images = (url: string) =>
      api<{ items: { id: string }[] }>(url, '/me/images?limit=100', accessToken);

    survivor = await startApp(env, join(dir, 'r3'));
    const crashed = await waitFor(
      async () => {
        const res = await survivor!.http
          .get(`/api/v1/generations/${long.id}`)
          .set({ authorization: `Bearer ${accessToken}` });
        return res.body.status === 'failed' ? (res.body as GenerationJob) : undefined;
      },
      'the long job to fail',
      30_000,
      100,
    );
    expect(crashed).toMatchObject({
      status: 'failed',
      attempts: 2,
      error: { code: 'crashed', retryable: false },
    });
    expect(crashed.error?.message).toMatch(/stopped before it finished/);
    // Like any failed job, it keeps no images: only the short job's is left.
    const left = await waitFor(async () => {
      const { items } = await images(await survivor!.listen());
      return items.length === 1 ? items : undefined;
    }, "the crashed job's images to go");
    expect(left.map((i) => i.id)).toEqual(done.imageIds);
  });
});
