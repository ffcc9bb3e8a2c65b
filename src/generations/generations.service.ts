import { createHash, randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  concat,
  defer,
  distinctUntilChanged,
  filter,
  from,
  interval,
  map,
  merge,
  switchMap,
  takeWhile,
  type Observable,
} from 'rxjs';
import type { AuthUser } from '../auth/auth-user.js';
import { GenerationQuota } from '../auth/generation-quota.js';
import { readPage } from '../common/cursor.js';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.js';
import { normalizeTags } from '../common/tags.js';
import { GenerationConfig } from '../config/config-slices.js';
import { PromptsService } from '../prompts/prompts.service.js';
import { MAX_SEED } from '../prompts/seeded-random.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { JobsRepository } from '../storage/records/jobs.repository.js';
import {
  TERMINAL_STATUSES,
  type GenerationJob,
  type Role,
  type ScheduleTemplate,
} from '../domain/records.js';
import type { CreateGenerationDto } from './dto/create-generation.dto.js';

/** What to generate, as a request or a schedule gives it. */
export type GenerationInput = Omit<CreateGenerationDto, 'seed'> & { seed?: number };
import {
  GenerationDto,
  type GenerationListDto,
  type GenerationListQueryDto,
} from './dto/generation.dto.js';
import { GenerationEvents } from './generation-events.js';
import { JobLifecycle, type NewJob } from './job-lifecycle.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export interface SseMessage {
  readonly id: string;
  readonly data: GenerationDto;
}

@Injectable()
export class GenerationsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly lifecycle: JobLifecycle,
    private readonly prompts: PromptsService,
    private readonly providers: ProviderRegistry,
    private readonly bus: GenerationEvents,
    private readonly config: GenerationConfig,
    private readonly quota: GenerationQuota,
  ) {}

  /**
   * Validates the request against the provider's capabilities, fills defaults, checks the quota and
   * persists the job as `queued`. A reused idempotency key returns the first job (`replayed`).
   */
  async accept(
    user: AuthUser,
    body: CreateGenerationDto,
    idempotencyKey?: string,
  ): Promise<{ job: GenerationDto; replayed: boolean }> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw ValidationError.field('Idempotency-Key', 'must be 1-255 visible ASCII characters');
    }
    const request = { ...this.resolveTemplate(body), seed: this.seedFor(body.seed) };
    const requestHash = idempotencyKey ? fingerprint(body) : null;
    if (idempotencyKey) {
      // Fast path for retries; the unique index settles races below.
      const earlier = await this.jobs.findByIdempotencyKey(user.id, idempotencyKey);
      if (earlier) return this.replay(earlier, requestHash);
    }
    const { job, created } = await this.enqueue(user.role, {
      ownerId: user.id,
      request,
      idempotencyKey: idempotencyKey ?? null,
      requestHash,
    });
    if (!created) return this.replay(job, requestHash);
    return { job: GenerationDto.from(job), replayed: false };
  }

  /**
   * A schedule's run for `slot`: the same pipeline, quota and provider limits as API requests.
   * The store's uniqueness of (scheduleId, slot) makes it happen once, whichever replica fires.
   */
  async submitScheduled(
    ownerId: string,
    template: ScheduleTemplate,
    scheduleId: string,
    slot: string,
  ): Promise<{ job: GenerationJob; created: boolean }> {
    // Another replica may have fired this slot already: that run is the run, not a quota error.
    const [latest] = await this.jobs.list({ scheduleId }, { limit: 1 });
    if (latest?.slot === slot) return { job: latest, created: false };
    // Normalised again: templates stored before tags were normalised may still hold `Koi`.
    const request = {
      ...template,
      tags: normalizeTags(template.tags),
      seed: this.seedFor(undefined),
    };
    return this.enqueue(undefined, { ownerId, request, scheduleId, slot });
  }

  /** Queues the job if the owner is within the in-flight cap and the daily image quota. */
  private enqueue(
    role: Role | undefined,
    job: NewJob,
  ): Promise<{ job: GenerationJob; created: boolean }> {
    return this.quota.admit(
      { ownerId: job.ownerId, role, images: job.request.n },
      {
        enqueue: () => this.lifecycle.enqueue(job),
        withdraw: (queued) => this.lifecycle.cancel(queued),
      },
    );
  }

  async list(user: AuthUser, query: GenerationListQueryDto): Promise<GenerationListDto> {
    return readPage(
      query,
      (page) => this.jobs.list({ ownerId: user.id, status: query.status }, page),
      (job) => GenerationDto.from(job),
    );
  }

  async get(user: AuthUser, id: string): Promise<GenerationDto> {
    return GenerationDto.from(await this.owned(user, id));
  }

  /** Cancels a queued or running job; its images, if any were made, are removed by the worker. */
  async cancel(user: AuthUser, id: string): Promise<GenerationDto> {
    for (;;) {
      const job = await this.owned(user, id);
      if (TERMINAL_STATUSES.includes(job.status)) {
        throw new ConflictError(
          `The generation has already ${job.status === 'canceled' ? 'been canceled' : job.status}`,
        );
      }
      const canceled = await this.lifecycle.cancel(job);
      // Never ran: its images go back to the day's quota.
      if (canceled && job.status === 'queued' && job.attempts === 0) await this.quota.release(job);
      if (canceled) return GenerationDto.from(canceled);
      // The job moved on (e.g. queued → running) between read and write: look again.
    }
  }

  /**
   * The job's state now, then every change until it ends. Changes made here arrive at once;
   * changes made by another replica's worker arrive by polling the store.
   */
  async events(user: AuthUser, id: string): Promise<Observable<SseMessage>> {
    const current = await this.owned(user, id);
    const local = this.bus.changes.pipe(filter((job) => job.id === id));
    const polled = interval(this.config.pollMs).pipe(
      switchMap(() => from(this.jobs.findById(id))),
      filter((job): job is GenerationJob => job !== null),
    );
    return concat(
      defer(() => [current]),
      merge(local, polled),
    ).pipe(
      distinctUntilChanged((a, b) => a.updatedAt === b.updatedAt && a.status === b.status),
      takeWhile((job) => !TERMINAL_STATUSES.includes(job.status), true),
      map((job) => ({ id: `${job.status}:${job.updatedAt}`, data: GenerationDto.from(job) })),
    );
  }

  /** The owner's (or an admin's) job; anyone else gets 404, as for a missing one. */
  private async owned(user: AuthUser, id: string): Promise<GenerationJob> {
    const job = await this.jobs.findById(id);
    if (!job || (job.ownerId !== user.id && user.role !== 'admin')) {
      throw new NotFoundError('No such generation');
    }
    return job;
  }

  private replay(
    job: GenerationJob,
    requestHash: string | null,
  ): { job: GenerationDto; replayed: boolean } {
    if (job.requestHash !== requestHash) {
      throw new ConflictError('This Idempotency-Key was used with a different request', [
        { field: 'Idempotency-Key', message: 'was already used with a different request body' },
      ]);
    }
    return { job: GenerationDto.from(job), replayed: true };
  }

  private seedFor(seed: number | undefined): number {
    return seed ?? randomInt(MAX_SEED - 64);
  }

  /**
   * Resolves strategy, provider and model and checks the request against the model's declared
   * capabilities: what to generate, minus the seed (each run draws its own unless one is given).
   */
  resolveTemplate(body: GenerationInput): ScheduleTemplate {
    const strategy = this.prompts.resolveStrategy(body);
    const provider = this.providers.resolve(body.provider);
    const model = this.providers.model(provider, body.model);
    const size = body.size ?? model.defaultSize;
    if (!model.sizes.includes(size)) {
      throw ValidationError.field('size', `${model.id} draws ${model.sizes.join(', ')}`);
    }
    const n = body.n ?? 1;
    if (n > model.maxN) {
      throw ValidationError.field(
        'n',
        `${model.id} draws at most ${model.maxN} images per request`,
      );
    }
    if (body.negativePrompt && !model.supportsNegativePrompt) {
      throw ValidationError.field('negativePrompt', `${model.id} does not take a negative prompt`);
    }
    if (body.seed !== undefined && !model.supportsSeed) {
      throw ValidationError.field('seed', `${model.id} does not take a seed`);
    }
    for (const [field, value, accepted] of [
      ['quality', body.quality, model.qualities],
      ['style', body.style, model.styles],
    ] as const) {
      if (value !== undefined && !accepted.includes(value)) {
        throw ValidationError.field(
          field,
          accepted.length
            ? `${model.id} takes ${accepted.join(', ')}`
            : `${model.id} does not take a ${field}`,
        );
      }
    }
    return {
      strategy: strategy.name,
      theme: body.theme ?? null,
      prompt: body.prompt ?? null,
      negativePrompt: body.negativePrompt ?? null,
      provider: provider.name,
      model: model.id,
      size,
      n,
      visibility: body.visibility ?? 'public',
      tags: normalizeTags(body.tags ?? []),
      quality: body.quality ?? null,
      style: body.style ?? null,
    };
  }
}

/** Canonical hash of what the client sent, to tell a retry from a different request. */
function fingerprint(body: CreateGenerationDto): string {
  const canonical = JSON.stringify(
    Object.fromEntries(
      Object.entries(body)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
  );
  return createHash('sha256').update(canonical).digest('hex');
}
