import { Injectable, Logger, Optional } from '@nestjs/common';
import { DomainError, StorageUnavailableError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { publicMessage } from '../common/public-message.js';
import { GenerationConfig } from '../config/config-slices.js';
import { PromptsService } from '../prompts/prompts.service.js';
import { ProviderError, type ProviderImage } from '../providers/image-provider.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { imageKey, thumbnailKey } from '../storage/blobs/blob-keys.js';
import { BlobStore } from '../storage/blobs/blob-store.js';
import { ImagesRepository } from '../storage/records/images.repository.js';
import { JobsRepository } from '../storage/records/jobs.repository.js';
import type { GenerationJob, ImageRecord, JobError, PromptLineage } from '../domain/records.js';
import { Deadline } from '../lifecycle/deadline.js';
import { RunMonitor } from '../lifecycle/run-monitor.js';
import { untilAborted } from '../lifecycle/until-aborted.js';
import { ImageProcessor, InvalidImageError, sharedImageProcessor } from './image-processing.js';
import { JobLifecycle } from './job-lifecycle.js';

/** Why a run was stopped from outside. */
export const SHUTDOWN = Symbol('shutdown');
const LOST = Symbol('lost');

/**
 * Stored with each blob, so it is what the blob store sends when it serves the bytes itself (signed
 * URLs): never kept by shared caches, revalidated before reuse, because an image can turn private.
 */
const BLOB_CACHE_CONTROL = 'private, no-cache';

/**
 * Runs one claimed job: an attempt, then its settlement (succeeded, failed, re-queued for a retry,
 * or released), which `JobLifecycle` writes.
 *
 * Every step of an attempt ends by GENERATION_TIMEOUT_MS, whether or not it listens to the signal:
 * the prompt and the provider call are awaited only until the signal aborts (`untilAborted`), the
 * image work runs on a worker thread that is abandoned on abort (`ImageProcessor`), and so do the
 * blob writes. A timed-out attempt is then retried or failed (`timeout`) like any other.
 */
@Injectable()
export class GenerationRunner {
  private readonly logger = new Logger(GenerationRunner.name);

  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly jobs: JobsRepository,
    private readonly images: ImagesRepository,
    private readonly blobs: BlobStore,
    private readonly prompts: PromptsService,
    private readonly providers: ProviderRegistry,
    private readonly config: GenerationConfig,
    // The app provides both (LifecycleModule, global); a module compiled on its own (a unit
    // test's) runs with the shared image pool and a monitor nobody reads.
    @Optional() private readonly imaging: ImageProcessor = sharedImageProcessor(),
    @Optional() private readonly monitor: RunMonitor = new RunMonitor(),
  ) {}

  /**
   * `stop` aborts the run: with reason `SHUTDOWN` the job goes back to the queue (its finished
   * images are kept and the next run makes only the rest); with any other reason the job is
   * treated as canceled.
   */
  async run(job: GenerationJob, workerId: string, stop: AbortSignal): Promise<void> {
    const started = Date.now();
    const deadline = started + this.config.timeoutMs;
    const settled = this.monitor.track(job.id, deadline);
    const lost = new AbortController();
    const timeLimit = new Deadline(this.config.timeoutMs);
    const signal = AbortSignal.any([stop, lost.signal, timeLimit.signal]);
    const heartbeat = setInterval(() => {
      this.lifecycle
        .heartbeat(job, workerId)
        .then((alive) => alive || lost.abort(LOST))
        .catch((error: unknown) =>
          this.logger.warn({ err: error, jobId: job.id }, 'heartbeat failed'),
        );
    }, this.config.heartbeatMs);
    try {
      const made = await this.attempt(job, workerId, signal, deadline);
      await this.settleSuccess(job, workerId, made, started);
    } catch (error) {
      await this.settleFailure(job, workerId, signal.aborted ? signal.reason : undefined, error);
    } finally {
      timeLimit.clear();
      clearInterval(heartbeat);
      settled();
    }
  }

  private async attempt(
    job: GenerationJob,
    workerId: string,
    signal: AbortSignal,
    deadline: number,
  ): Promise<{ lineage: PromptLineage; imageIds: string[] }> {
    const { request } = job;
    // Images a previous run of this job finished (it was interrupted): make only the rest.
    const done = await this.images.listByJob(job.id);
    let lineage = job.lineage;
    if (lineage.prompt === null) {
      const made = await untilAborted(
        this.prompts.make(
          {
            strategy: request.strategy,
            theme: request.theme,
            prompt: request.prompt,
            seed: request.seed,
          },
          signal,
        ),
        signal,
      );
      lineage = { ...lineage, strategy: made.strategy, prompt: made.prompt };
      if (!(await this.lifecycle.saveProgress(job, workerId, { lineage }))) {
        throw new AbortedError();
      }
    }
    const remaining = request.n - done.length;
    if (remaining > 0) {
      const provider = this.providers.resolve(request.provider);
      const [width, height] = request.size.split('x').map(Number);
      const call = provider.generate({
        prompt: lineage.prompt as string,
        negativePrompt: request.negativePrompt,
        model: request.model,
        width,
        height,
        n: remaining,
        seed: request.seed + done.length,
        quality: request.quality,
        style: request.style,
        signal,
        onStarted: async (providerRef) => {
          if (!(await this.lifecycle.saveProgress(job, workerId, { providerRef }))) {
            throw new AbortedError();
          }
        },
      });
      const outputs = await untilAborted(call, signal);
      if (outputs.length < remaining) {
        throw new ProviderError(
          'provider_error',
          `The provider returned ${outputs.length} of ${remaining} images`,
          true,
        );
      }
      for (const output of outputs.slice(0, remaining)) {
        signal.throwIfAborted();
        done.push(await this.store(job, lineage, output, done.length, signal, deadline));
      }
      lineage = { ...lineage, revisedPrompt: outputs[0].revisedPrompt ?? lineage.revisedPrompt };
    }
    return { lineage, imageIds: done.map((image) => image.id) };
  }

  /** Check, embed, hash, thumbnail, put both blobs, then the record: no record without its blobs. */
  private async store(
    job: GenerationJob,
    lineage: PromptLineage,
    output: ProviderImage,
    index: number,
    signal: AbortSignal,
    deadline: number,
  ): Promise<ImageRecord> {
    const { request } = job;
    const id = newId();
    const createdAt = new Date().toISOString();
    const prompt = output.revisedPrompt ?? lineage.prompt ?? '';
    const seed = output.seed;
    const processed = await this.imaging.process(output.bytes, {
      signal,
      deadline,
      maxPixels: this.config.maxImagePixels,
      parameters: {
        parameters: [
          prompt,
          ...(request.negativePrompt ? [`Negative prompt: ${request.negativePrompt}`] : []),
          `Seed: ${seed ?? 'unknown'}, Size: ${request.size}, Model: ${request.model}, Provider: ${request.provider}`,
        ].join('\n'),
        'image-forge': JSON.stringify({
          prompt,
          lineage: { ...lineage, revisedPrompt: output.revisedPrompt },
          negativePrompt: request.negativePrompt,
          provider: request.provider,
          model: request.model,
          seed,
          jobId: job.id,
          imageId: id,
        }),
      },
    });
    const record: ImageRecord = {
      id,
      ownerId: job.ownerId,
      jobId: job.id,
      index,
      scheduleId: job.scheduleId,
      visibility: request.visibility,
      lineage: { ...lineage, revisedPrompt: output.revisedPrompt },
      prompt,
      negativePrompt: request.negativePrompt,
      provider: request.provider,
      model: request.model,
      width: processed.width,
      height: processed.height,
      seed,
      contentType: 'image/png',
      byteSize: processed.png.length,
      sha256: processed.sha256,
      blobKey: imageKey(id, createdAt),
      thumbnailKey: thumbnailKey(id, createdAt),
      thumbnailContentType: 'image/webp',
      tags: request.tags,
      createdAt,
    };
    try {
      // A write still going at the deadline is left behind: if it lands, the orphan sweep takes it.
      await untilAborted(
        this.blobs.put(record.blobKey, processed.png, {
          contentType: 'image/png',
          cacheControl: BLOB_CACHE_CONTROL,
        }),
        signal,
      );
      await untilAborted(
        this.blobs.put(record.thumbnailKey, processed.thumbnail, {
          contentType: 'image/webp',
          cacheControl: BLOB_CACHE_CONTROL,
        }),
        signal,
      );
      return await this.images.insert(record);
    } catch (error) {
      await this.deleteBlobs([record.blobKey, record.thumbnailKey]);
      throw new StorageError(error);
    }
  }

  private async settleSuccess(
    job: GenerationJob,
    workerId: string,
    made: { lineage: PromptLineage; imageIds: string[] },
    started: number,
  ): Promise<void> {
    const done = await this.lifecycle.succeed(job, workerId, made);
    if (!done) {
      await this.afterLosingJob(job.id);
      return;
    }
    this.logger.log(
      {
        ...jobFields(done),
        provider: done.request.provider,
        model: done.request.model,
        images: done.imageIds.length,
        attempts: done.attempts,
        ms: Date.now() - started,
      },
      'generation succeeded',
    );
  }

  private async settleFailure(
    job: GenerationJob,
    workerId: string,
    reason: unknown,
    error: unknown,
  ): Promise<void> {
    if (reason === SHUTDOWN) {
      await this.lifecycle.release(job, workerId);
      return;
    }
    if (
      reason === LOST ||
      error instanceof AbortedError ||
      (reason !== undefined && !isTimeout(reason))
    ) {
      await this.afterLosingJob(job.id);
      return;
    }
    const jobError = classify(reason !== undefined ? reason : error);
    const retry = jobError.retryable && job.attempts < this.config.maxAttempts;
    const next = retry
      ? await this.lifecycle.retryLater(job, workerId, jobError, retryAfterMs(error))
      : await this.lifecycle.fail(job, workerId, jobError);
    if (!next) {
      await this.afterLosingJob(job.id);
      return;
    }
    // The code only: error messages can quote what a provider said, and that stays in the job.
    const outcome = {
      ...jobFields(next),
      provider: next.request.provider,
      code: jobError.code,
      attempts: next.attempts,
    };
    if (next.status === 'failed') {
      this.logger.warn(outcome, 'generation failed');
      await this.discardImages(job.id);
    } else {
      this.logger.warn(
        { ...outcome, maxAttempts: this.config.maxAttempts, retryAt: next.runAfter },
        'generation attempt failed; retrying',
      );
    }
  }

  /** The job was canceled (or taken over) while this run held it. A canceled job keeps no images. */
  private async afterLosingJob(jobId: string): Promise<void> {
    const job = await this.jobs.findById(jobId);
    if (job?.status === 'canceled') await this.discardImages(jobId);
  }

  /** Record first, then blobs: a crash in between leaves an orphan blob (swept), never a dangling record. */
  private async discardImages(jobId: string): Promise<void> {
    for (const image of await this.images.listByJob(jobId)) {
      await this.images.delete(image.id);
      await this.deleteBlobs([image.blobKey, image.thumbnailKey]);
    }
  }

  private async deleteBlobs(keys: string[]): Promise<void> {
    const results = await Promise.allSettled(keys.map((key) => this.blobs.delete(key)));
    for (const result of results) {
      if (result.status === 'rejected') {
        this.logger.warn(
          { err: result.reason as Error },
          'blob delete failed; the orphan sweep will remove it',
        );
      }
    }
  }
}

class AbortedError extends Error {}

class StorageError extends Error {
  constructor(cause: unknown) {
    super(`Storing the image failed: ${publicMessage(cause)}`, { cause });
  }
}

/** What every log line about a job says: which job, and which schedule's run it is. */
function jobFields(job: GenerationJob): { jobId: string; scheduleId?: string } {
  return job.scheduleId ? { jobId: job.id, scheduleId: job.scheduleId } : { jobId: job.id };
}

/** How long the provider asked us to wait (Retry-After), if it did. */
function retryAfterMs(error: unknown): number {
  return error instanceof ProviderError ? (error.retryAfterMs ?? 0) : 0;
}

function isTimeout(reason: unknown): boolean {
  return reason instanceof DOMException && reason.name === 'TimeoutError';
}

/** The job's error as its owner reads it: messages pass `publicMessage`, so no path is shown. */
function classify(error: unknown): JobError {
  if (isTimeout(error))
    return { code: 'timeout', message: 'The attempt ran past its time limit', retryable: true };
  if (error instanceof ProviderError)
    return { code: error.code, message: publicMessage(error), retryable: error.retryable };
  if (error instanceof InvalidImageError)
    return { code: 'invalid_image', message: publicMessage(error), retryable: false };
  // A store that cannot serve now, wherever in the attempt: not the request's fault.
  if (error instanceof StorageError || error instanceof StorageUnavailableError)
    return { code: 'storage_error', message: publicMessage(error), retryable: true };
  if (error instanceof DomainError)
    return { code: 'invalid_request', message: publicMessage(error), retryable: false };
  return { code: 'internal_error', message: publicMessage(error), retryable: true };
}
