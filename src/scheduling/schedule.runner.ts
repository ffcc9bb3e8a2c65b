import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { Subscription } from 'rxjs';
import { DomainError } from '../common/errors.js';
import { SchedulesConfig } from '../config/config-slices.js';
import { GenerationEvents } from '../generations/generation-events.js';
import { GenerationsService } from '../generations/generations.service.js';
import {
  SYSTEM_USER_ID,
  UniqueViolationError,
  type GenerationJob,
  type Schedule,
} from '../domain/records.js';
import { SchedulesRepository } from '../storage/records/schedules.repository.js';
import { UsersRepository } from '../storage/records/users.repository.js';
import { latestFireTime, nextFireTimes } from './cron-schedule.js';

/** Fixed ids of the built-in AUTO_GENERATE_CRON schedule and the system user that owns it. */
export const SYSTEM_SCHEDULE_ID = '00000000-0000-7000-8000-000000000001';

const jobName = (id: string) => `schedule:${id}`;
/** What, when it changes, means a registered cron job must be replaced. */
const fingerprint = (s: Schedule) => `${s.cron}|${s.timezone}|${s.enabled}`;

/**
 * Keeps this replica's cron jobs (in @nestjs/schedule's SchedulerRegistry) in step with the stored
 * schedules: at boot, on every change made here, and every SCHEDULE_RECONCILE_MS for changes made
 * on other replicas. Every replica fires every schedule; a fire creates the job identified by
 * (schedule, slot), which the record store makes unique, so each slot runs exactly once.
 */
@Injectable()
export class ScheduleRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ScheduleRunner.name);
  private readonly registered = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private subscription?: Subscription;
  private stopped = false;

  constructor(
    private readonly schedules: SchedulesRepository,
    private readonly users: UsersRepository,
    private readonly generations: GenerationsService,
    private readonly registry: SchedulerRegistry,
    private readonly events: GenerationEvents,
    private readonly config: SchedulesConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureSystemSchedule();
    this.subscription = this.events.changes.subscribe((job) => {
      if (job.scheduleId && (job.status === 'failed' || job.status === 'succeeded')) {
        this.afterRun(job).catch((error: unknown) =>
          this.logger.error({ err: error }, 'recording a run failed'),
        );
      }
    });
    await this.reconcile();
    this.timer = setInterval(() => {
      this.reconcile().catch((error: unknown) =>
        this.logger.error({ err: error }, 'reconcile failed'),
      );
    }, this.config.reconcileMs);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
    for (const id of [...this.registered.keys()]) this.forget(id);
  }

  /** Registers, replaces or removes the schedule's cron job after a change made on this replica. */
  sync(schedule: Schedule): void {
    if (this.stopped) return;
    if (!schedule.enabled) {
      this.forget(schedule.id);
      return;
    }
    if (this.registered.get(schedule.id) === fingerprint(schedule)) return;
    this.forget(schedule.id);
    const job = CronJob.from({
      cronTime: schedule.cron,
      timeZone: schedule.timezone,
      onTick: () => {
        this.fire(schedule.id).catch((error: unknown) =>
          this.logger.error({ err: error, scheduleId: schedule.id }, 'schedule fire failed'),
        );
      },
      start: true,
    });
    this.registry.addCronJob(jobName(schedule.id), job);
    this.registered.set(schedule.id, fingerprint(schedule));
  }

  forget(id: string): void {
    if (!this.registered.delete(id)) return;
    try {
      this.registry.deleteCronJob(jobName(id));
    } catch {
      // already gone
    }
  }

  /** Brings registrations in line with the store and runs each schedule's missed slot (policy). */
  async reconcile(now = new Date()): Promise<void> {
    const all = await this.schedules.listAll();
    const present = new Set(all.map((s) => s.id));
    for (const id of [...this.registered.keys()]) if (!present.has(id)) this.forget(id);
    for (const schedule of all) {
      this.sync(schedule);
      if (schedule.enabled) await this.catchUp(schedule, now);
    }
  }

  /**
   * A tick: the slot is the latest fire time at or before now, computed from the cron expression,
   * so every replica names the same slot however late its timer ran.
   */
  async fire(id: string, now = new Date()): Promise<void> {
    const schedule = await this.schedules.findById(id);
    if (!schedule?.enabled) {
      if (!schedule || !schedule.enabled) this.forget(id);
      return;
    }
    const slot = latestFireTime(
      schedule.cron,
      schedule.timezone,
      now,
      new Date(schedule.createdAt),
    );
    if (slot) await this.run(schedule, slot, now);
  }

  /**
   * Slots missed while no replica ran: `latest` runs the most recent one once (never a backlog);
   * `none` skips them. A slot already run (here or elsewhere) is not run again.
   */
  private async catchUp(schedule: Schedule, now: Date): Promise<void> {
    if (this.config.catchUp === 'none') return;
    const since = schedule.lastRunAt ?? schedule.createdAt;
    const slot = latestFireTime(schedule.cron, schedule.timezone, now, new Date(since));
    if (slot && slot !== schedule.lastRunAt && slot > since) await this.run(schedule, slot, now);
  }

  private async run(schedule: Schedule, slot: string, now: Date): Promise<void> {
    try {
      const { job, created } = await this.generations.submitScheduled(
        schedule.ownerId,
        schedule.template,
        schedule.id,
        slot,
      );
      if (!created) {
        // Another replica (or an earlier tick) queued this slot: that run is the run.
        this.logger.debug({ scheduleId: schedule.id, slot, jobId: job.id }, 'slot already run');
      } else {
        this.logger.log({ scheduleId: schedule.id, slot, jobId: job.id }, 'scheduled run queued');
        await this.schedules.update(schedule.id, {
          lastRunAt: slot,
          nextRunAt: nextFireTimes(schedule.cron, schedule.timezone, now, 1)[0],
          updatedAt: now.toISOString(),
        });
      }
    } catch (error) {
      // The run could not even be queued (quota, provider no longer configured): a failed run.
      if (!(error instanceof DomainError)) throw error;
      this.logger.warn(
        { scheduleId: schedule.id, slot, reason: error.message },
        'scheduled run refused',
      );
      await this.countFailure(schedule.id, error.code, `${error.code}: ${error.message}`);
    }
  }

  /** Success resets the failure count; a failure adds one and may pause the schedule. */
  private async afterRun(job: GenerationJob): Promise<void> {
    const scheduleId = job.scheduleId as string;
    if (job.status === 'failed') {
      const code = job.error?.code ?? 'failed';
      await this.countFailure(scheduleId, code, `${code}: ${job.error?.message ?? ''}`);
      return;
    }
    const schedule = await this.schedules.findById(scheduleId);
    if (schedule && schedule.consecutiveFailures > 0) {
      await this.schedules.update(scheduleId, {
        consecutiveFailures: 0,
        updatedAt: new Date().toISOString(),
      });
    }
  }

  /** `reason` goes to the schedule, for its owner; the log says the code only. */
  private async countFailure(scheduleId: string, code: string, reason: string): Promise<void> {
    const limit = this.config.maxConsecutiveFailures;
    const schedule = await this.schedules.recordFailure(scheduleId, new Date().toISOString());
    if (!schedule || !schedule.enabled || schedule.consecutiveFailures < limit) return;
    const paused = await this.schedules.update(scheduleId, {
      enabled: false,
      nextRunAt: null,
      pausedReason: `Paused after ${schedule.consecutiveFailures} failed runs in a row (last: ${reason}). Set enabled to true to resume.`,
      updatedAt: new Date().toISOString(),
    });
    if (!paused) return;
    this.sync(paused);
    this.logger.warn(
      { scheduleId, failures: schedule.consecutiveFailures, code },
      'schedule paused after repeated failures',
    );
  }

  /** AUTO_GENERATE_CRON: a schedule owned by a system user that fills the public gallery. */
  private async ensureSystemSchedule(): Promise<void> {
    const auto = this.config.auto;
    const now = new Date().toISOString();
    if (!auto) {
      const stored = await this.schedules.findById(SYSTEM_SCHEDULE_ID);
      if (stored?.enabled) {
        await this.schedules.update(SYSTEM_SCHEDULE_ID, {
          enabled: false,
          nextRunAt: null,
          pausedReason: 'AUTO_GENERATE_CRON is not set',
          updatedAt: now,
        });
      }
      return;
    }
    try {
      await this.users.create({
        id: SYSTEM_USER_ID,
        email: 'system@image-forge.invalid',
        // Not a valid hash: nobody can sign in as the system user.
        passwordHash: '!',
        role: 'user',
        createdAt: now,
      });
    } catch (error) {
      if (!(error instanceof UniqueViolationError) && !(await this.users.findById(SYSTEM_USER_ID)))
        throw error;
    }
    const template = this.generations.resolveTemplate({
      strategy: auto.strategy,
      theme: auto.theme ?? undefined,
      provider: auto.provider,
    });
    const wanted: Schedule = {
      id: SYSTEM_SCHEDULE_ID,
      ownerId: SYSTEM_USER_ID,
      name: 'Gallery auto-fill (AUTO_GENERATE_CRON)',
      cron: auto.cron,
      timezone: auto.timezone,
      enabled: true,
      template,
      pausedReason: null,
      consecutiveFailures: 0,
      lastRunAt: null,
      nextRunAt: nextFireTimes(auto.cron, auto.timezone, new Date(), 1)[0],
      system: true,
      createdAt: now,
      updatedAt: now,
    };
    const { schedule, created } = await this.schedules.create(wanted);
    const changed =
      schedule.cron !== auto.cron ||
      schedule.timezone !== auto.timezone ||
      JSON.stringify(schedule.template) !== JSON.stringify(template);
    const unsetEarlier = schedule.pausedReason === 'AUTO_GENERATE_CRON is not set';
    if (!created && (changed || unsetEarlier)) {
      await this.schedules.update(SYSTEM_SCHEDULE_ID, {
        cron: auto.cron,
        timezone: auto.timezone,
        template,
        ...(unsetEarlier ? { enabled: true, pausedReason: null, consecutiveFailures: 0 } : {}),
        nextRunAt: wanted.nextRunAt,
        updatedAt: now,
      });
    }
  }
}
