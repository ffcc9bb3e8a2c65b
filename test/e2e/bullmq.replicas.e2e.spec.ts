/**
 * JOB_QUEUE=bullmq with three replicas of the app on one SQLite file and one real Redis: every
 * job runs once and none is lost; a provider's limits and its 429s hold across the replicas; a
 * cancel and a job's progress reach every replica.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Subscription } from 'rxjs';

import type { GenerationJob } from '../../src/domain/records.js';
import { GenerationEvents } from '../../src/generations/generation-events.js';
import { GenerationWorker } from '../../src/generations/generation.worker.js';
import { JobQueue } from '../../src/generations/queue/job-queue.js';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai.fake.js';
import { register, startApp, type Account, type TestApp } from '../support/app.js';
import { describeWithRedis, startRedis, type RedisServer } from '../support/redis.js';
import { readSse } from '../support/sse.js';
import { sleep, waitFor } from '../support/wait.js';

interface Replica {
  readonly t: TestApp;
  /** Claims made by this replica (a job going to `running` here), in order. */
  readonly claims: GenerationJob[];
  readonly subscription: Subscription;
}

interface Cluster {
  readonly replicas: Replica[];
  readonly users: Account[];
  readonly dir: string;
  close(): Promise<void>;
}

/** Three apps on one SQLite file, one blob folder and one Redis (under `prefix`). */
async function startCluster(
  redis: RedisServer,
  prefix: string,
  env: Record<string, string> = {},
): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'image-forge-bullmq-'));
  const shared = {
    JOB_QUEUE: 'bullmq',
    REDIS_URL: redis.url,
    BULLMQ_PREFIX: prefix,
    SQLITE_PATH: join(dir, 'shared.db'),
    BLOB_LOCAL_DIR: join(dir, 'blobs'),
    JWT_SECRET: 'a-shared-secret-for-three-replicas-of-the-test',
    DAILY_IMAGE_QUOTA: '0',
    GENERATION_MAX_ACTIVE_PER_USER: '200',
    GENERATION_RETRY_BASE_MS: '100',
    // Replicas learn of each other's changes through Redis only: no store polling in time.
    GENERATION_POLL_MS: '60000',
    ...env,
  };
  const replicas: Replica[] = [];
  for (let i = 0; i < 3; i++) {
    const t = await startApp(shared, join(dir, `replica-${i}`));
    const claims: GenerationJob[] = [];
    const seen = new Set<string>();
    // A claim is the first change to `running` of an attempt (progress saves follow it).
    const subscription = t.app.get(GenerationEvents).local.subscribe((job) => {
      const attempt = `${job.id}:${job.attempts}`;
      if (job.status !== 'running' || seen.has(attempt)) return;
      seen.add(attempt);
      claims.push(job);
    });
    replicas.push({ t, claims, subscription });
  }
  const users = [];
  for (const { t } of replicas) users.push(await register(t.http));
  return {
    replicas,
    users,
    dir,
    async close() {
      for (const { t, subscription } of replicas.splice(0)) {
        subscription.unsubscribe();
        await t.close();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function jobOf(t: TestApp, user: Account, id: string): Promise<GenerationJob> {
  const res = await t.http.get(`/api/v1/generations/${id}`).set(user.auth).expect(200);
  return res.body as GenerationJob;
}

describeWithRedis()('e2e: JOB_QUEUE=bullmq, three replicas, one Redis', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('runs 60 generations once each, none lost, spread over the replicas', async () => {
    const cluster = await startCluster(redis, 'sixty', {
      OFFLINE_LATENCY_MS: '150',
      GENERATION_CONCURRENCY: '2',
    });
    try {
      const { replicas, users } = cluster;
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) {
        const r = i % 3;
        const res = await replicas[r].t.http
          .post('/api/v1/generations')
          .set(users[r].auth)
          .send({ n: 1, size: '256x256' })
          .expect(202);
        ids.push(res.body.id as string);
      }
      const finished = await waitFor(
        async () => {
          const jobs = await Promise.all(
            ids.map((id, i) => jobOf(replicas[(i + 1) % 3].t, users[i % 3], id)),
          );
          return jobs.every((job) => job.status === 'succeeded') ? jobs : undefined;
        },
        'all 60 generations to succeed',
        60_000,
        500,
      );

      expect(finished).toHaveLength(60);
      // One claim (one start, one attempt) per job, over all replicas: none ran twice.
      expect(finished.map((job) => job.attempts)).toEqual(ids.map(() => 1));
      const claimed = replicas.flatMap(({ claims }) => claims.map((job) => job.id));
      expect([...claimed].sort()).toEqual([...ids].sort());
      for (const { claims } of replicas) expect(claims.length).toBeGreaterThan(0);
      const stats = await replicas[0].t.app.get(JobQueue).stats();
      expect(stats.filter((s) => s.queued + s.running > 0)).toEqual([]);
    } finally {
      await cluster.close();
    }
  });

  it('on shutdown, hands a running job back after the grace; another replica finishes it', async () => {
    const cluster = await startCluster(redis, 'shutdown', {
      OFFLINE_LATENCY_MS: '4000',
      SHUTDOWN_GRACE_MS: '300',
    });
    try {
      const { replicas, users } = cluster;
      const res = await replicas[0].t.http
        .post('/api/v1/generations')
        .set(users[0].auth)
        .send({ n: 1, size: '256x256' })
        .expect(202);
      const id = res.body.id as string;
      const holder = await waitFor(async () => {
        const index = replicas.findIndex(({ claims }) => claims.some((job) => job.id === id));
        return index >= 0 ? index : undefined;
      }, 'a replica to claim the job');
      const [closing] = replicas.splice(holder, 1);
      const started = Date.now();
      closing.subscription.unsubscribe();
      await closing.t.close();
      // Bounded: the grace, then the hand-back, not the 4 s the run would take.
      expect(Date.now() - started).toBeLessThan(3000);

      const done = await waitFor(
        async () => {
          const job = await jobOf(replicas[0].t, users[0], id);
          return job.status === 'succeeded' ? job : undefined;
        },
        'another replica to finish the job',
        20_000,
        200,
      );
      // A hand-back on shutdown is not the job's fault: one attempt counted, the one that finished.
      expect(done.attempts).toBe(1);
      expect(replicas.some(({ claims }) => claims.some((job) => job.id === id))).toBe(true);
    } finally {
      await cluster.close();
    }
  });

  it('holds a provider to 10 images a minute and 2 calls at once across the three replicas (measured)', async () => {
    const fake: OpenAiFake = await startOpenAiFake();
    const cluster = await startCluster(redis, 'limits', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_IMAGES_PER_MINUTE: '10',
      OPENAI_CONCURRENCY: '2',
      GENERATION_CONCURRENCY: '4',
    });
    try {
      const { replicas, users } = cluster;
      const ids: string[] = [];
      const posted = Date.now();
      for (let i = 0; i < 15; i++) {
        const r = i % 3;
        const res = await replicas[r].t.http
          .post('/api/v1/generations')
          .set(users[r].auth)
          .send({ provider: 'openai', prompt: `a kite number ${i}` })
          .expect(202);
        ids.push(res.body.id as string);
      }
      const read = () => Promise.all(ids.map((id, i) => jobOf(replicas[0].t, users[i % 3], id)));
      await waitFor(
        async () => {
          const jobs = await read();
          return jobs.filter((job) => job.status === 'succeeded').length >= 10 ? true : undefined;
        },
        'ten generations',
        30_000,
        250,
      );
      // Each replica alone would allow 10 a minute (30 together): wait, then count the starts.
      await sleep(5000);
      const jobs = await read();
      const starts = jobs
        .filter((job) => job.startedAt !== null)
        .map((job) => Date.parse(job.startedAt!));
      const elapsed = Date.now() - posted;

      expect(elapsed).toBeLessThan(60_000);
      expect(starts).toHaveLength(10);
      expect(fake.requests.filter((r) => r.path.endsWith('/images/generations'))).toHaveLength(10);
      expect(jobs.filter((job) => job.status === 'queued')).toHaveLength(5);
      // Two calls at once across the replicas (each alone would make two, six together).
      expect(fake.maxInFlight).toBeGreaterThan(0);
      expect(fake.maxInFlight).toBeLessThanOrEqual(2);
      const stats = await replicas[1].t.app.get(JobQueue).stats();
      expect(stats).toEqual([
        expect.objectContaining({ provider: 'openai', queued: 5, running: 0 }),
      ]);
    } finally {
      await cluster.close();
      await fake.close();
    }
  });

  it("pauses a provider's queue on every replica when it answers 429 with Retry-After", async () => {
    const fake: OpenAiFake = await startOpenAiFake();
    const cluster = await startCluster(redis, 'retry-after', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_IMAGES_PER_MINUTE: '1000',
    });
    try {
      const { replicas, users } = cluster;
      fake.script({ kind: 'rate_limited', retryAfter: '4', endpoint: 'images' });
      const first = await replicas[0].t.http
        .post('/api/v1/generations')
        .set(users[0].auth)
        .send({ provider: 'openai', prompt: 'the first kite' })
        .expect(202);
      await fake.waitForCalls(1);
      const limitedAt = Date.now();
      await waitFor(async () => {
        const job = await jobOf(replicas[0].t, users[0], first.body.id as string);
        return job.error?.code === 'rate_limited' ? job : undefined;
      }, 'the 429 to be recorded');
      // More work for the provider, through the other replicas, while it asked us to wait.
      const more: string[] = [];
      for (const r of [1, 2]) {
        const res = await replicas[r].t.http
          .post('/api/v1/generations')
          .set(users[r].auth)
          .send({ provider: 'openai', prompt: `a kite from replica ${r}` })
          .expect(202);
        more.push(res.body.id as string);
      }
      await sleep(2000);
      expect(fake.requests.filter((r) => r.path.endsWith('/images/generations'))).toHaveLength(1);

      for (const [i, id] of [first.body.id as string, ...more].entries()) {
        const done = await waitFor(
          async () => {
            const job = await jobOf(replicas[0].t, users[i], id);
            return job.status === 'succeeded' ? job : undefined;
          },
          `generation ${i}`,
          20_000,
          200,
        );
        expect(done.status).toBe('succeeded');
      }
      // Nothing reached the provider before its Retry-After had passed.
      expect(fake.requests.filter((r) => r.path.endsWith('/images/generations'))).toHaveLength(4);
      expect(Date.now() - limitedAt).toBeGreaterThanOrEqual(3500);
    } finally {
      await cluster.close();
      await fake.close();
    }
  });

  it('carries a cancel made on one replica to the one running the job, and progress to SSE on any', async () => {
    const cluster = await startCluster(redis, 'relay', {
      OFFLINE_LATENCY_MS: '1500',
      GENERATION_HEARTBEAT_MS: '10000',
      GENERATION_STALE_AFTER_MS: '30000',
    });
    try {
      const { replicas, users } = cluster;
      const claimedBy = async (id: string) =>
        waitFor(async () => {
          const index = replicas.findIndex(({ claims }) => claims.some((job) => job.id === id));
          return index >= 0 ? index : undefined;
        }, 'a replica to claim the job');

      // Progress: the job runs on one replica; SSE on another follows it to the end.
      const watched = await replicas[0].t.http
        .post('/api/v1/generations')
        .set(users[0].auth)
        .send({ n: 2, size: '256x256' })
        .expect(202);
      const runs = await claimedBy(watched.body.id as string);
      const watcher = replicas[(runs + 1) % 3];
      const stream = await readSse(
        watcher.t.app,
        `/api/v1/generations/${watched.body.id}/events`,
        users[0].auth,
        20_000,
      );
      const statuses = stream.events.map((e) => (JSON.parse(e.data) as GenerationJob).status);
      expect(statuses[0]).toBe('running');
      expect(statuses.at(-1)).toBe('succeeded');

      // Cancel: made on a replica that does not run the job, it stops the run where it runs.
      const canceled = await replicas[1].t.http
        .post('/api/v1/generations')
        .set(users[1].auth)
        .send({ n: 4, size: '256x256' })
        .expect(202);
      const holder = await claimedBy(canceled.body.id as string);
      const other = replicas[(holder + 1) % 3];
      const worker = replicas[holder].t.app.get(GenerationWorker);
      expect(worker.size).toBe(1);
      await other.t.http
        .post(`/api/v1/generations/${canceled.body.id}/cancel`)
        .set(users[1].auth)
        .expect(200);
      // Well before its heartbeat (10 s) could have told it, and before its four images are done.
      await waitFor(
        async () => (worker.size === 0 ? true : undefined),
        'the run to stop',
        3000,
        50,
      );
      const job = await jobOf(other.t, users[1], canceled.body.id as string);
      expect(job).toMatchObject({ status: 'canceled', imageIds: [] });
    } finally {
      await cluster.close();
    }
  });
});
