import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { readPage, type PageRequest } from '../common/cursor.js';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { SchedulesConfig } from '../config/config-slices.js';
import { GenerationDto } from '../generations/dto/generation.dto.js';
import { GenerationsService, type GenerationInput } from '../generations/generations.service.js';
import { JobsRepository, type JobFilter } from '../storage/records/jobs.repository.js';
import type { GenerationJob, Schedule } from '../domain/records.js';
import { SchedulesRepository } from '../storage/records/schedules.repository.js';
import { assertMinInterval, nextFireTimes, parseCron } from './cron-schedule.js';
import {
  ScheduleDto,
  type CreateScheduleDto,
  type FireTimesDto,
  type FireTimesQueryDto,
  type ScheduleListDto,
  type ScheduleListQueryDto,
  type ScheduleRunDto,
  type ScheduleRunListDto,
  type UpdateScheduleDto,
} from './dto/schedule.dto.js';
import { ScheduleRunner } from './schedule.runner.js';

@Injectable()
export class SchedulesService {
  constructor(
    private readonly schedules: SchedulesRepository,
    private readonly jobs: JobsRepository,
    private readonly generations: GenerationsService,
    private readonly runner: ScheduleRunner,
    private readonly config: SchedulesConfig,
  ) {}

  async create(user: AuthUser, body: CreateScheduleDto): Promise<ScheduleDto> {
    const { name, cron, timezone = 'UTC', enabled = true, ...what } = body;
    this.checkTiming(cron, timezone);
    const template = this.generations.resolveTemplate(what);
    const limit = this.config.maxPerUser;
    if ((await this.schedules.countByOwner(user.id)) >= limit) {
      throw new ConflictError(
        `You have ${limit} schedules, the most allowed (SCHEDULE_MAX_PER_USER); delete one first`,
      );
    }
    const now = new Date();
    const { schedule } = await this.schedules.create({
      id: newId(),
      ownerId: user.id,
      name,
      cron,
      timezone,
      enabled,
      template,
      pausedReason: null,
      consecutiveFailures: 0,
      lastRunAt: null,
      nextRunAt: enabled ? nextFireTimes(cron, timezone, now, 1)[0] : null,
      system: false,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    this.runner.sync(schedule);
    return this.toDto(schedule);
  }

  /** My schedules; an admin sees everyone's. */
  async list(user: AuthUser, query: ScheduleListQueryDto): Promise<ScheduleListDto> {
    return readPage(
      query,
      (page) => this.schedules.list(user.role === 'admin' ? undefined : user.id, page),
      (schedule) => this.toDto(schedule),
    );
  }

  async get(user: AuthUser, id: string): Promise<ScheduleDto> {
    return this.toDto(await this.owned(user, id));
  }

  async update(user: AuthUser, id: string, body: UpdateScheduleDto): Promise<ScheduleDto> {
    const current = await this.owned(user, id);
    const { name, cron = current.cron, timezone = current.timezone, enabled, ...what } = body;
    if (body.cron !== undefined || body.timezone !== undefined) this.checkTiming(cron, timezone);
    const changesWhat = Object.values(what).some((value) => value !== undefined);
    const template = changesWhat
      ? this.generations.resolveTemplate(mergeTemplate(current.template, what))
      : undefined;
    const resumed = enabled === true && !current.enabled;
    const nowEnabled = enabled ?? current.enabled;
    const now = new Date();
    const updated = await this.schedules.update(id, {
      name,
      cron,
      timezone,
      enabled,
      template,
      ...(resumed ? { pausedReason: null, consecutiveFailures: 0 } : {}),
      nextRunAt: nowEnabled ? nextFireTimes(cron, timezone, now, 1)[0] : null,
      updatedAt: now.toISOString(),
    });
    if (!updated) throw new NotFoundError('No such schedule');
    this.runner.sync(updated);
    return this.toDto(updated);
  }

  async delete(user: AuthUser, id: string): Promise<void> {
    await this.owned(user, id);
    await this.schedules.delete(id);
    this.runner.forget(id);
  }

  /** Runs the schedule now, outside its cron times; the run appears in its history. */
  async runNow(user: AuthUser, id: string): Promise<GenerationDto> {
    const schedule = await this.owned(user, id);
    const { job } = await this.generations.submitScheduled(
      schedule.ownerId,
      schedule.template,
      schedule.id,
      new Date().toISOString(),
    );
    return GenerationDto.from(job);
  }

  /**
   * The schedule's runs, newest first. Runs outlive their schedule (its jobs and images are kept),
   * so once it is deleted they are found by the jobs themselves, which name their schedule and
   * owner: its owner (or an admin) still lists them; anyone else, and an id that never ran, get
   * 404.
   */
  async runs(user: AuthUser, id: string, query: ScheduleListQueryDto): Promise<ScheduleRunListDto> {
    return readPage(query, (page) => this.findRuns(user, id, page), toScheduleRun);
  }

  /**
   * `GET /schedules/fire-times`: what a schedule with this cron and time zone would do, checked as
   * a save would check it (valid expression and zone, minimum interval), without saving anything.
   */
  fireTimes(query: FireTimesQueryDto): FireTimesDto {
    const { cron, timezone = 'UTC' } = query;
    this.checkTiming(cron, timezone);
    return { cron, timezone, fireTimes: nextFireTimes(cron, timezone, new Date(), 5) };
  }

  /** A page of the schedule's jobs, as `runs` lists them. */
  private async findRuns(user: AuthUser, id: string, page: PageRequest): Promise<GenerationJob[]> {
    const schedule = await this.schedules.findById(id);
    if (schedule && !mayManage(user, schedule)) throw new NotFoundError('No such schedule');
    const filter: JobFilter =
      schedule || user.role === 'admin' ? { scheduleId: id } : { scheduleId: id, ownerId: user.id };
    const rows = await this.jobs.list(filter, page);
    if (!schedule && rows.length === 0) {
      // Past the last page, or no runs at all: only the latter is a missing schedule.
      const any = page.after ? await this.jobs.list(filter, { limit: 1 }) : rows;
      if (any.length === 0) throw new NotFoundError('No such schedule');
    }
    return rows;
  }

  private checkTiming(cron: string, timezone: string): void {
    parseCron(cron, timezone);
    assertMinInterval(cron, timezone, this.config.minIntervalSeconds);
  }

  /** The owner's (or an admin's) schedule; anyone else gets 404, as for a missing one. */
  private async owned(user: AuthUser, id: string): Promise<Schedule> {
    const schedule = await this.schedules.findById(id);
    if (!schedule || !mayManage(user, schedule)) throw new NotFoundError('No such schedule');
    return schedule;
  }

  private toDto(schedule: Schedule): ScheduleDto {
    const upcoming = schedule.enabled
      ? nextFireTimes(schedule.cron, schedule.timezone, new Date(), 5)
      : [];
    return ScheduleDto.from(schedule, upcoming);
  }
}

function toScheduleRun(job: GenerationJob): ScheduleRunDto {
  return {
    slot: job.slot ?? job.createdAt,
    jobId: job.id,
    status: job.status,
    imageIds: [...job.imageIds],
    ...(job.error ? { error: { ...job.error } } : {}),
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
  };
}

function mayManage(user: AuthUser, schedule: Schedule): boolean {
  return schedule.ownerId === user.id || user.role === 'admin';
}

/**
 * The stored template with the changed fields applied, as request fields. A change that implies
 * another (a new prompt means the literal strategy; a new provider, its own model and size) drops
 * the stored fields it overrides, so the result is validated as the user would expect.
 */
function mergeTemplate(
  current: Schedule['template'],
  changes: Partial<CreateScheduleDto>,
): GenerationInput {
  const base: Record<string, unknown> = Object.fromEntries(
    Object.entries(current).filter(([, value]) => value !== null),
  );
  const given = Object.fromEntries(
    Object.entries(changes).filter(([, value]) => value !== undefined),
  );
  if ('prompt' in given && !('strategy' in given)) delete base.strategy;
  if ('strategy' in given && given.strategy !== 'literal' && !('prompt' in given))
    delete base.prompt;
  if ('provider' in given && given.provider !== current.provider) {
    for (const key of ['model', 'size', 'quality', 'style']) if (!(key in given)) delete base[key];
  }
  return { ...base, ...given };
}
