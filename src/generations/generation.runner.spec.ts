import 'reflect-metadata';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { pino } from 'pino';
import sharp from 'sharp';
import { PinoNestLogger } from '../common/logging.js';
import { loadConfig, type AppConfig } from '../config/app-config.js';
import { LiteralPromptStrategy } from '../prompts/literal.prompt-strategy.js';
import { PromptsService } from '../prompts/prompts.service.js';
import { RandomPromptStrategy } from '../prompts/random.prompt-strategy.js';
import {
  ImageProvider,
  ProviderError,
  type ProviderCapabilities,
  type ProviderImage,
  type ProviderRequest,
} from '../providers/image-provider.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { LocalBlobStore } from '../storage/blobs/local.blob-store.js';
import type { GenerationJob } from '../domain/records.js';
import { SqliteDatabase } from '../storage/records/sqlite/sqlite.database.js';
import { SqliteImagesRepository } from '../storage/records/sqlite/sqlite.images.repository.js';
import { SqliteJobsRepository } from '../storage/records/sqlite/sqlite.jobs.repository.js';
import { makeJob } from '../../test/fixtures/records.js';
import { GenerationEvents } from './generation-events.js';
import { GenerationRunner, SHUTDOWN } from './generation.runner.js';
import { JobLifecycle } from './job-lifecycle.js';

type Step = (request: ProviderRequest) => Promise<ProviderImage[]>;

/** A provider that plays a script, one step per call: the port's fake for these unit tests. */
class ScriptedProvider extends ImageProvider {
  readonly name = 'scripted';
  readonly description = 'test';
  steps: Step[] = [];
  calls: ProviderRequest[] = [];
  status() {
    return { configured: true, missing: [] };
  }
  capabilities(): ProviderCapabilities {
    return {
      defaultModel: 'm',
      models: [
        {
          id: 'm',
          description: '',
          sizes: ['64x64'],
          defaultSize: '64x64',
          maxN: 4,
          supportsSeed: true,
          supportsNegativePrompt: true,
          qualities: [],
          styles: [],
        },
      ],
    };
  }
  async generate(request: ProviderRequest) {
    this.calls.push(request);
    const step = this.steps.shift();
    if (!step) throw new Error('script ran out');
    return step(request);
  }
}

/** The real local store, with a hook to act between writes (to interrupt a run mid-way). */
class ObservedBlobStore extends LocalBlobStore {
  puts = 0;
  onPut?: (count: number) => void;
  override async put(...args: Parameters<LocalBlobStore['put']>) {
    const info = await super.put(...args);
    this.onPut?.(++this.puts);
    return info;
  }
}

const png = (colour: string) =>
  sharp({ create: { width: 64, height: 64, channels: 3, background: colour } })
    .png()
    .toBuffer();
const images =
  (n: number): Step =>
  async (request) =>
    Promise.all(
      Array.from({ length: n }, async (_, i) => ({
        bytes: await png(i % 2 ? '#123456' : '#abcdef'),
        revisedPrompt: `revised ${request.prompt}`,
        seed: request.seed + i,
      })),
    );

// The runner logs failures it settles; they are the point of these tests, not noise to print.
Logger.overrideLogger(false);

describe('GenerationRunner', () => {
  let dir: string;
  let config: AppConfig;
  let sqlite: SqliteDatabase;
  let jobs: SqliteJobsRepository;
  let imagesRepo: SqliteImagesRepository;
  let blobs: ObservedBlobStore;
  let provider: ScriptedProvider;
  let lifecycle: JobLifecycle;
  let runner: GenerationRunner;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-'));
    config = loadConfig({
      DATA_DIR: dir,
      GENERATION_MAX_ATTEMPTS: '3',
      GENERATION_RETRY_BASE_MS: '1000',
      GENERATION_TIMEOUT_MS: '1000',
    });
    sqlite = new SqliteDatabase(':memory:');
    jobs = new SqliteJobsRepository(sqlite);
    imagesRepo = new SqliteImagesRepository(sqlite);
    blobs = new ObservedBlobStore(join(dir, 'blobs'));
    provider = new ScriptedProvider();
    const prompts = new PromptsService(
      [new RandomPromptStrategy(), new LiteralPromptStrategy()],
      config.prompts,
    );
    const registry = new ProviderRegistry([provider], config.providers);
    lifecycle = new JobLifecycle(jobs, new GenerationEvents(), config.generation);
    runner = new GenerationRunner(
      lifecycle,
      jobs,
      imagesRepo,
      blobs,
      prompts,
      registry,
      config.generation,
    );
  });
  afterEach(() => {
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

  it('times out a hanging provider and retries', async () => {
    provider.steps = [
      (request) =>
        new Promise((_, reject) =>
          request.signal.addEventListener('abort', () => reject(request.signal.reason as Error)),
        ),
    ];
    const job = await claimed(1);
    await runner.run(job, 'w1', new AbortController().signal);
    expect(await jobs.findById(job.id)).toMatchObject({
      status: 'queued',
      error: { code: 'timeout', retryable: true },
    });
  });

  it('on shutdown hands the job back without using an attempt, keeping finished images for the next run', async () => {
    const stop = new AbortController();
    // Shut down once the first image's blob and thumbnail are written, before the second image.
    blobs.onPut = (count) => count === 2 && stop.abort(SHUTDOWN);
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
