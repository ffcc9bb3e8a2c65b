import { Injectable } from '@nestjs/common';
import { ForbiddenError, QuotaExceededError, ValidationError } from '../common/errors.js';
import { GenerationConfig } from '../config/config-slices.js';
import { SYSTEM_USER_ID, type GenerationJob, type Role, type User } from '../domain/records.js';
import { JobsRepository } from '../storage/records/jobs.repository.js';
import { QuotaRepository } from '../storage/records/quota.repository.js';
import { UsersRepository } from '../storage/records/users.repository.js';
import type { QuotaDto } from './dto/user.dto.js';

/** Whose job, and what it asks for. */
export interface QuotaRequest {
  readonly ownerId: string;
  /**
   * The owner's role when the caller is the owner (a request); read from the account otherwise,
   * which must not be disabled.
   */
  readonly role?: Role;
  /** Images the job makes. */
  readonly images: number;
}

/** How the caller queues the job, and takes it back if the in-flight cap was crossed meanwhile. */
export interface QueueSteps {
  enqueue(): Promise<{ job: GenerationJob; created: boolean }>;
  /** Cancels the queued job; null when it could not (it started meanwhile). */
  withdraw(job: GenerationJob): Promise<GenerationJob | null>;
}

/** A hint for clients over the in-flight cap: about how long one offline job takes. */
const ACTIVE_CAP_RETRY_AFTER_SECONDS = 5;

/**
 * What an account may have generated: at most GENERATION_MAX_ACTIVE_PER_USER jobs queued or
 * running, and DAILY_IMAGE_QUOTA images per UTC day (admins and the built-in schedule's account
 * are exempt; 0 is no limit). Both hold under concurrency:
 *
 * - The daily count is one atomic counter per account and day in the record store
 *   (`QuotaRepository.tryConsume`): concurrent requests, on any replica, take exactly what fits.
 *   A job takes its images when it is queued; they are given back when the job is canceled before
 *   it ever ran, or when it was not queued after all (an error, an idempotent replay). A job that
 *   ran and failed keeps them: it used the provider, and a retry of it counts again.
 * - The in-flight cap is counted from the jobs. One replica checks and queues an owner's jobs one
 *   at a time, so its admissions are exact; across replicas a job is counted again once queued,
 *   and withdrawn when that count is over the cap, so the cap is never exceeded.
 */
@Injectable()
export class GenerationQuota {
  /** The tail of each owner's chain of admissions in this process. */
  private readonly admitting = new Map<string, Promise<unknown>>();

  constructor(
    private readonly quota: QuotaRepository,
    private readonly jobs: JobsRepository,
    private readonly users: UsersRepository,
    private readonly config: GenerationConfig,
  ) {}

  /**
   * Queues the job through `steps` if the owner is within both limits; a 429 (`Retry-After`:
   * a few seconds for the in-flight cap, the next midnight UTC for the daily quota) if not.
   */
  admit(
    request: QuotaRequest,
    steps: QueueSteps,
  ): Promise<{ job: GenerationJob; created: boolean }> {
    return this.oneAtATime(request.ownerId, async () => {
      const { ownerId, images } = request;
      await this.checkActive(ownerId);
      const role = request.role ?? (await this.roleOf(ownerId));
      const limit = this.limitFor(ownerId, role);
      if (limit !== null && images > limit) {
        throw ValidationError.field('n', `is more than your daily quota of ${limit} images`);
      }
      const now = new Date();
      const day = utcDay(now);
      const taken = await this.quota.tryConsume(ownerId, day, images, limit);
      if (!taken.granted) throw quotaReached(limit as number, taken.used, now);
      const giveBack = () => this.quota.refund(ownerId, day, images);
      let queued: { job: GenerationJob; created: boolean };
      try {
        queued = await steps.enqueue();
      } catch (error) {
        await giveBack();
        throw error;
      }
      if (!queued.created) {
        await giveBack();
        return queued;
      }
      // Another replica may have queued one of the owner's jobs meanwhile.
      if ((await this.jobs.countActive(ownerId)) > this.config.maxActivePerUser) {
        if (await steps.withdraw(queued.job)) {
          await giveBack();
          throw this.activeCapReached();
        }
      }
      return queued;
    });
  }

  /** Gives back the images of a job canceled before it ever ran. */
  async release(job: GenerationJob): Promise<void> {
    await this.quota.refund(job.ownerId, utcDay(new Date(job.createdAt)), job.request.n);
  }

  /** The account's quota today. */
  async status(user: User): Promise<QuotaDto> {
    const now = new Date();
    const limit = this.limitFor(user.id, user.role);
    const used = await this.quota.used(user.id, utcDay(now));
    return {
      limit,
      used,
      remaining: limit === null ? null : Math.max(0, limit - used),
      resetsAt: nextUtcMidnight(now).toISOString(),
    };
  }

  /** A 429 when the owner has the cap queued or running. */
  private async checkActive(ownerId: string): Promise<void> {
    if ((await this.jobs.countActive(ownerId)) >= this.config.maxActivePerUser) {
      throw this.activeCapReached();
    }
  }

  private activeCapReached(): QuotaExceededError {
    return new QuotaExceededError(
      `You have ${this.config.maxActivePerUser} generations queued or running; wait for one to finish`,
      ACTIVE_CAP_RETRY_AFTER_SECONDS,
    );
  }

  /** The owner's daily limit; null when none applies. */
  private limitFor(ownerId: string, role: Role | undefined): number | null {
    const limit = this.config.dailyImageQuota;
    if (limit === 0 || ownerId === SYSTEM_USER_ID || role === 'admin') return null;
    return limit;
  }

  /**
   * The role of an owner who is not the caller (a schedule's): a disabled account generates
   * nothing, so its schedules' runs are refused too.
   */
  private async roleOf(ownerId: string): Promise<Role | undefined> {
    const owner = await this.users.findById(ownerId);
    if (owner?.disabled) throw new ForbiddenError('The account is disabled');
    return owner?.role;
  }

  /** Runs `work` after the owner's earlier admissions in this process have settled. */
  private async oneAtATime<T>(ownerId: string, work: () => Promise<T>): Promise<T> {
    const before = this.admitting.get(ownerId) ?? Promise.resolve();
    const mine = before.then(work, work);
    const tail = mine.catch(() => undefined);
    this.admitting.set(ownerId, tail);
    try {
      return await mine;
    } finally {
      if (this.admitting.get(ownerId) === tail) this.admitting.delete(ownerId);
    }
  }
}

/** The UTC day of `instant`: `2026-11-22`. */
export const utcDay = (instant: Date): string => instant.toISOString().slice(0, 10);

export function nextUtcMidnight(instant: Date): Date {
  return new Date(
    Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate() + 1),
  );
}

function quotaReached(limit: number, used: number, now: Date): QuotaExceededError {
  const resetsAt = nextUtcMidnight(now);
  const seconds = Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000));
  return new QuotaExceededError(
    `Daily image quota reached: ${used} of ${limit} images generated today; it resets at ` +
      `${resetsAt.toISOString()} (midnight UTC)`,
    seconds,
  );
}
