import 'reflect-metadata';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { pino } from 'pino';
import { PinoNestLogger } from '../common/logging.js';
import { loadConfig, type AppConfig } from '../config/app-config.js';
import { LiteralPromptStrategy } from '../prompts/literal.prompt-strategy.js';
import { PromptsService } from '../prompts/prompts.service.js';
import { RandomPromptStrategy } from '../prompts/random.prompt-strategy.js';
import { ProviderError } from '../providers/image-provider.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import type { GenerationJob } from '../domain/records.js';
import { SqliteDatabase } from '../storage/records/sqlite/sqlite.database.js';
import { SqliteJobsRepository } from '../storage/records/sqlite/sqlite.jobs.repository.js';
import { makeJob } from '../../test/fixtures/records.js';
import {
  images,
  ObservedBlobStore,
  ObservedImagesRepository,
  png,
  ScriptedProvider,
} from '../../test/support/runner-doubles.js';
import { GenerationEvents } from './generation-events.js';
import { RunMonitor } from '../lifecycle/run-monitor.js';
import { GenerationRunner, SHUTDOWN } from './generation.runner.js';
import { ImageProcessor } from './image-processing.js';
import { JobLifecycle } from './job-lifecycle.js';

// The runner logs failures it settles; they are the point of these tests, not noise to print.
Logger.overrideLogger(false);

describe('GenerationRunner', () => {
  let dir: string;
  let config: AppConfig;
  let sqlite: SqliteDatabase;
  let jobs: SqliteJobsRepository;
  let imagesRepo: ObservedImagesRepository;
  let blobs: ObservedBlobStore;
  let provider: ScriptedProvider;
  let lifecycle: JobLifecycle;
  let runner: GenerationRunner;
  let imaging: ImageProcessor;
  let monitor: RunMonitor;
  /** A runner whose attempts have `timeoutMs` (the configured one by default). */
  const makeRunner = (timeoutMs = config.generation.timeoutMs) =>
    new GenerationRunner(
      lifecycle,
      jobs,
      imagesRepo,
      blobs,
      new PromptsService([new RandomPromptStrategy(), new LiteralPromptStrategy()], config.prompts),
      new ProviderRegistry([provider], config.providers),
      { ...config.generation, timeoutMs },
      imaging,
      monitor,
    );
  const withDeadline = () => makeRunner(1000);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-'));
    config = loadConfig({
      DATA_DIR: dir,
      GENERATION_MAX_ATTEMPTS: '3',
      GENERATION_RETRY_BASE_MS: '1000',
      // Roomy for work on a loaded machine; `withDeadline` makes the timeout tests' runner.
      GENERATION_TIMEOUT_MS: '20000',
    });
    sqlite = new SqliteDatabase(':memory:');
    jobs = new SqliteJobsRepository(sqlite);
    imagesRepo = new ObservedImagesRepository(sqlite);
    blobs = new ObservedBlobStore(join(dir, 'blobs'));
    provider = new ScriptedProvider();
    lifecycle = new JobLifecycle(jobs, new GenerationEvents(), config.generation);
    imaging = new ImageProcessor();
    monitor = new RunMonitor();
    runner = makeRunner();
  });
  afterEach(async () => {
    await imaging.onApplicationShutdown();
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A job for `n` images, claimed by w1; `attempts` earlier attempts make this one the next. */
  async function claimed(n = 2, attempts = 0): Promise<GenerationJob> {
    const now = new Date().toISOString();
    const base = makeJob();
    await jobs.create(
      makeJob({
        attempts,
        createdAt: now,
        updatedAt: now,
        runAfter: now,
        request: {
          ...base.request,
          strategy: 'literal',
          theme: null,
          prompt: 'a lighthouse at dusk',
          provider: 'scripted',
          model: 'm',
          size: '64x64',
          n,
          seed: 10,
          tags: ['t'],
        },
        lineage: { strategy: 'literal', theme: null, prompt: null, revisedPrompt: null },
      }),
    );
    return (await jobs.claimNext('w1', new Date().toISOString()))!;
  }
  /** Setup only, written to the store directly: the job's retry is due now, after `attempts`. */
  const retryDueNow = (id: string, attempts: number) =>
    sqlite.db
      .prepare('UPDATE jobs SET attempts = ?, run_after = ? WHERE id = ?')
      .run(attempts, new Date(0).toISOString(), id);
  const blobFiles = () => {
    try {
      return readdirSync(join(dir, 'blobs'), { recursive: true, withFileTypes: true }).filter(
        (e) => e.isFile() && !e.parentPath.includes('.tmp'),
      );
    } catch {
      return [];
    }
  };

  it('stores every image with the lineage, seeds and revised prompt, then succeeds', async () => {
    provider.steps = [images(2)];
    const job = await claimed(2);
    await runner.run(job, 'w1', new AbortController().signal);
    const done = (await jobs.findById(job.id))!;
    expect(done).toMatchObject({
      status: 'succeeded',
      workerId: null,
      lineage: { prompt: 'a lighthouse at dusk', revisedPrompt: 'revised a lighthouse at dusk' },
    });
    const stored = await imagesRepo.listByJob(job.id);
    expect(stored.map((i) => [i.index, i.seed, i.prompt])).toEqual([
      [0, 10, 'revised a lighthouse at dusk'],
      [1, 11, 'revised a lighthouse at dusk'],
    ]);
    expect(done.imageIds).toEqual(stored.map((i) => i.id));
    expect(blobFiles()).toHaveLength(4);
  });

  it('re-queues a transient failure with backoff that honours Retry-After, keeping the error', async () => {
    provider.steps = [
      async () => {
        throw new ProviderError('rate_limited', 'slow down', true, 30_000);
      },
    ];
    const job = await claimed();
    const before = Date.now();
    await runner.run(job, 'w1', new AbortController().signal);
    const after = (await jobs.findById(job.id))!;
    expect(after).toMatchObject({
      status: 'queued',
      attempts: 1,
      error: { code: 'rate_limited', retryable: true },
      workerId: null,
    });
    expect(Date.parse(after.runAfter) - before).toBeGreaterThanOrEqual(30_000);
  });

  it('re-queues an attempt whose store cannot serve (locked by another process) as a retryable storage_error', async () => {
    // The images live in a file that another connection holds in an exclusive transaction, as
    // another process can: the attempt's first read (the job's finished images) fails
    // SQLITE_BUSY. (In rollback-journal mode: under WAL, readers pass a writer's lock.)
    const file = join(dir, 'images.sqlite');
    const locked = new SqliteDatabase(file);
    locked.db.pragma('journal_mode = DELETE');
    locked.db.pragma('busy_timeout = 50');
    const holder = new Database(file);
    holder.exec('BEGIN EXCLUSIVE');
    imagesRepo = new ObservedImagesRepository(locked);
    try {
      provider.steps = [images(1)];
      const job = await claimed(1);
      await makeRunner().run(job, 'w1', new AbortController().signal);
      expect(await jobs.findById(job.id)).toMatchObject({
        status: 'queued',
        attempts: 1,
        error: { code: 'storage_error', retryable: true },
        workerId: null,
      });
      expect(provider.calls).toHaveLength(0);
    } finally {
      holder.close();
      locked.close();
    }
  });

  it('fails for good when attempts run out or the failure is not transient, leaving no images', async () => {
    const job = await claimed(2);
    provider.steps = [
      async () => {
        throw new ProviderError('content_policy', 'refused', false);
      },
    ];
    await runner.run(job, 'w1', new AbortController().signal);
    expect(await jobs.findById(job.id)).toMatchObject({
      status: 'failed',
      error: { code: 'content_policy', message: 'refused', retryable: false },
    });

    const last = await claimed(1, 2);
    provider.steps = [
      async () => {
        throw new ProviderError('provider_error', 'HTTP 500', true);
      },
    ];
    await runner.run({ ...last, attempts: 3 }, 'w1', new AbortController().signal);
    expect(await jobs.findById(last.id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: { code: 'provider_error', retryable: true },
    });
    expect(blobFiles()).toHaveLength(0);
  });

  it('refuses bytes that are not a whole image (invalid_image), storing nothing', async () => {
    const whole = await png('#ff0000');
    provider.steps = [
      async () => [{ bytes: whole.subarray(0, whole.length - 40), revisedPrompt: null, seed: 1 }],
    ];
    const job = await claimed(1);
    await runner.run(job, 'w1', new AbortController().signal);
    expect(await jobs.findById(job.id)).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_image' },
    });

    provider.steps = [
      async () => [
        { bytes: Buffer.from('<html>not an image</html>'), revisedPrompt: null, seed: 1 },
      ],
    ];
    const other = await claimed(1);
    await runner.run(other, 'w1', new AbortController().signal);
    expect(await jobs.findById(other.id)).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_image' },
    });
    expect(blobFiles()).toHaveLength(0);
  });

  it.each([
    [
      'times out a hanging provider and retries',
      (request: { signal: AbortSignal }) =>
        new Promise<never>((_, reject) =>
          request.signal.addEventListener('abort', () => reject(request.signal.reason as Error)),
        ),
    ],
    [
      'ends a provider call that ignores the signal at the deadline, and retries',
      () => new Promise<never>(() => undefined),
    ],
  ])('%s', async (_name, hang) => {
    provider.steps = [hang];
    const job = await claimed(1);
    await withDeadline().run(job, 'w1', new AbortController().signal);
    expect(await jobs.findById(job.id)).toMatchObject({
      status: 'queued',
      error: { code: 'timeout', retryable: true },
    });
  });

  it('abandons image work that never returns at the deadline, fails the last attempt, and works on', async () => {
    // A worker script whose every task blocks its thread for ever, as a stuck native call does.
    process.env.IMAGE_WORKER_TEST_HANG = '1';
    try {
      provider.steps = [images(1)];
      const job = await claimed(1, 2);
      await withDeadline().run(job, 'w1', new AbortController().signal);
      expect(await jobs.findById(job.id)).toMatchObject({
        status: 'failed',
        attempts: 3,
        error: { code: 'timeout' },
      });
      expect(blobFiles()).toHaveLength(0);
    } finally {
      delete process.env.IMAGE_WORKER_TEST_HANG;
    }
    // The stuck thread was replaced: the next job's images are made.
    provider.steps = [images(1)];
    const next = await claimed(1);
    await runner.run(next, 'w1', new AbortController().signal);
    expect(await jobs.findById(next.id)).toMatchObject({ status: 'succeeded' });
    expect(monitor.stuck()).toEqual([]);
  });

  it('on shutdown hands the job back without using an attempt, keeping finished images for the next run', async () => {
    const stop = new AbortController();
    // Shut down once the first image is stored (blobs and record), before the second image.
    imagesRepo.onInsert = () => stop.abort(SHUTDOWN);
    provider.steps = [images(2), images(1)];
    const job = await claimed(2);
    await runner.run(job, 'w1', stop.signal);
    const released = (await jobs.findById(job.id))!;
    expect(released).toMatchObject({ status: 'queued', attempts: 0, workerId: null });
    expect(released.lineage.prompt).toBe('a lighthouse at dusk');
    expect(await imagesRepo.listByJob(job.id)).toHaveLength(1);

    const again = (await jobs.claimNext('w2', new Date().toISOString()))!;
    await runner.run(again, 'w2', new AbortController().signal);
    const done = (await jobs.findById(job.id))!;
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(done.imageIds).toHaveLength(2);
    // The second run asked only for the missing image, with the next seed.
    expect(provider.calls.map((c) => [c.n, c.seed])).toEqual([
      [2, 10],
      [1, 11],
    ]);
  });

  it('removes what a canceled job made', async () => {
    const stop = new AbortController();
    const job = await claimed(2);
    provider.steps = [
      async (request) => {
        const made = await images(2)(request);
        await lifecycle.cancel(job);
        return made;
      },
    ];
    await runner.run(job, 'w1', stop.signal);
    expect((await jobs.findById(job.id))?.status).toBe('canceled');
    expect(await imagesRepo.listByJob(job.id)).toEqual([]);
    expect(blobFiles()).toHaveLength(0);
  });

  describe('logs each outcome in one line an operator sees at LOG_LEVEL=info', () => {
    let lines: Record<string, unknown>[];

    beforeEach(() => {
      lines = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      });
      Logger.overrideLogger(new PinoNestLogger(pino({ level: 'info' }, sink)));
    });
    afterEach(() => {
      Logger.overrideLogger(false);
    });

    const about = (job: GenerationJob) => lines.filter((line) => line.jobId === job.id);

    it('a success: provider, model, images and time, never the prompt', async () => {
      provider.steps = [images(2)];
      const job = await claimed(2);
      await runner.run(job, 'w1', new AbortController().signal);

      expect(about(job)).toEqual([
        expect.objectContaining({
          level: 30,
          context: 'GenerationRunner',
          msg: 'generation succeeded',
          provider: 'scripted',
          model: 'm',
          images: 2,
          attempts: 1,
          ms: expect.any(Number),
        }),
      ]);
      expect(JSON.stringify(lines)).not.toContain('lighthouse');
    });

    it('a retry (warn), then a failure for good with its code and attempts', async () => {
      const job = await claimed(1);
      provider.steps = [
        async () => {
          throw new ProviderError('rate_limited', 'slow down, key sk-secret', true, 10);
        },
      ];
      await runner.run(job, 'w1', new AbortController().signal);
      retryDueNow(job.id, 2);
      const second = (await jobs.claimNext('w1', new Date().toISOString()))!;
      provider.steps = [
        async () => {
          throw new ProviderError('content_policy', 'refused', false);
        },
      ];
      await runner.run({ ...second, attempts: 3 }, 'w1', new AbortController().signal);

      expect(about(job)).toEqual([
        expect.objectContaining({
          level: 40,
          msg: 'generation attempt failed; retrying',
          code: 'rate_limited',
          attempts: 1,
          maxAttempts: 3,
        }),
        expect.objectContaining({
          level: 40,
          msg: 'generation failed',
          code: 'content_policy',
          attempts: 3,
        }),
      ]);
      expect(JSON.stringify(lines)).not.toContain('sk-secret');
    });
  });
});
