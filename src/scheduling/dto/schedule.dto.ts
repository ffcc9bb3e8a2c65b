import { ApiProperty, OmitType, PartialType, PickType } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination.dto.js';
import { CreateGenerationDto } from '../../generations/dto/create-generation.dto.js';
import { GenerationRequestDto, JobErrorDto } from '../../generations/dto/generation.dto.js';
import { INTEGER, JOB_STATUS } from '../../common/api-enums.js';
import type { JobStatus, Schedule } from '../../domain/records.js';

/** What to generate on each fire is a generation request without a seed (each run draws its own). */
export class CreateScheduleDto extends OmitType(CreateGenerationDto, ['seed'] as const) {
  /** A name for people. */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  /**
   * Cron expression: 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds
   * first. E.g. `0 9 * * 1-5` = 09:00 on weekdays.
   */
  @IsString()
  @MinLength(9)
  @MaxLength(120)
  cron: string;

  // No initialisers here: UpdateScheduleDto derives from this class, and a PATCH must change only
  // the fields it sends. The service fills the defaults on create.

  /** IANA time zone the expression is read in; `UTC` when omitted. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  /** Whether it fires; `true` when omitted. Create it paused with `false`. */
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** Any field of a schedule; `enabled: true` also clears a pause after failures. */
export class UpdateScheduleDto extends PartialType(CreateScheduleDto) {}

/** What each run generates: a generation request without the seed (each run draws its own). */
export class ScheduleTemplateDto extends OmitType(GenerationRequestDto, ['seed'] as const) {}

export class ScheduleDto {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  /** Whether it fires. */
  enabled: boolean;
  /** What each run generates. */
  template: ScheduleTemplateDto;
  /** Why the schedule paused itself (after repeated failures), if it did. */
  @ApiProperty({ type: String, nullable: true })
  pausedReason: string | null;
  /** Failed runs in a row. */
  @ApiProperty({ ...INTEGER, minimum: 0 })
  consecutiveFailures: number;
  /** Slot (fire time) of the latest run. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastRunAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextRunAt: string | null;
  /** The next five fire times (empty while paused). */
  @ApiProperty({ type: [String], format: 'date-time' })
  nextFireTimes: string[];
  /** The built-in schedule of AUTO_GENERATE_CRON. */
  system: boolean;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  static from(schedule: Schedule, nextFireTimes: string[]): ScheduleDto {
    return {
      id: schedule.id,
      name: schedule.name,
      cron: schedule.cron,
      timezone: schedule.timezone,
      enabled: schedule.enabled,
      template: { ...schedule.template, tags: [...schedule.template.tags] },
      pausedReason: schedule.pausedReason,
      consecutiveFailures: schedule.consecutiveFailures,
      lastRunAt: schedule.lastRunAt,
      nextRunAt: schedule.nextRunAt,
      nextFireTimes,
      system: schedule.system,
      createdAt: schedule.createdAt,
      updatedAt: schedule.updatedAt,
    };
  }
}

export class ScheduleListDto {
  items: ScheduleDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class ScheduleRunDto {
  /** The fire time this run belongs to (or the moment of a manual run). */
  @ApiProperty({ format: 'date-time' })
  slot: string;
  /** The generation job of the run. */
  jobId: string;
  /** The state of the run's generation. */
  @ApiProperty(JOB_STATUS)
  status: JobStatus;
  imageIds: string[];
  /** Why the run failed, when it did. */
  error?: JobErrorDto;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt: string | null;
}

export class ScheduleRunListDto {
  items: ScheduleRunDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class ScheduleListQueryDto extends PageQueryDto {}

/** A cron expression to try before saving a schedule, checked as a schedule's is. */
export class FireTimesQueryDto extends PickType(CreateScheduleDto, ['cron', 'timezone'] as const) {
  // `PickType` copies `cron` with its description in a schedule: set explicitly.
  @ApiProperty({
    description: 'Cron expression, as in a schedule: 5 fields, or 6 with seconds first.',
  })
  override cron: string;

  /** IANA time zone the expression is read in; `UTC` when omitted. */
  declare timezone?: string;
}

/** When a cron expression would fire. */
export class FireTimesDto {
  cron: string;
  timezone: string;
  /** The next five fire times (fewer for an expression that fires rarely), UTC. */
  @ApiProperty({ type: [String], format: 'date-time' })
  fireTimes: string[];
}
