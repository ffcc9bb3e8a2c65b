import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { RequireScope } from '../auth/scopes.js';
import { ApiAuth, ApiProblems } from '../common/api-docs.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { GenerationDto } from '../generations/dto/generation.dto.js';
import {
  CreateScheduleDto,
  FireTimesDto,
  FireTimesQueryDto,
  ScheduleDto,
  ScheduleListDto,
  ScheduleListQueryDto,
  ScheduleRunListDto,
  UpdateScheduleDto,
} from './dto/schedule.dto.js';
import { SchedulesService } from './schedules.service.js';

@ApiTags('schedules')
@ApiAuth()
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  /**
   * Generates automatically on a cron schedule in a time zone. Each fire time runs exactly once,
   * however many replicas run; the response lists the next five fire times.
   */
  @Post()
  @RequireScope('schedules:write')
  @ApiOperation({ summary: 'Create a schedule', operationId: 'createSchedule' })
  @ApiBody({
    type: CreateScheduleDto,
    examples: {
      weekdays: {
        summary: 'Weekdays at 09:00 in Paris, a random prompt on a theme',
        value: {
          name: 'Weekday mornings',
          cron: '0 9 * * 1-5',
          timezone: 'Europe/Paris',
          theme: 'lighthouse',
        },
      },
      hourlyPaused: {
        summary: 'Every hour, two private images, created paused',
        value: { name: 'Hourly', cron: '0 * * * *', n: 2, visibility: 'private', enabled: false },
      },
    },
  })
  @ApiCreatedResponse({ type: ScheduleDto, description: 'Created, with its next five fire times' })
  @ApiProblems(400, 409)
  create(@CurrentUser() user: AuthUser, @Body() body: CreateScheduleDto): Promise<ScheduleDto> {
    return this.schedules.create(user, body);
  }

  /** My schedules, newest first (an admin sees everyone's). */
  @Get()
  @RequireScope('images:read')
  @ApiOperation({ summary: 'List schedules', operationId: 'listSchedules' })
  @ApiProblems(400)
  list(
    @CurrentUser() user: AuthUser,
    @Query() query: ScheduleListQueryDto,
  ): Promise<ScheduleListDto> {
    return this.schedules.list(user, query);
  }

  /**
   * The next fire times of a cron expression in a time zone, checked as a save would check it
   * (valid expression and zone, minimum interval): try an expression before saving it.
   */
  @Get('fire-times')
  @RequireScope('images:read')
  @ApiOperation({ summary: 'Preview fire times', operationId: 'previewScheduleFireTimes' })
  @ApiProblems(400)
  fireTimes(@Query() query: FireTimesQueryDto): FireTimesDto {
    return this.schedules.fireTimes(query);
  }

  /** One schedule, with its next five fire times (none while paused). */
  @Get(':id')
  @RequireScope('images:read')
  @ApiOperation({ summary: 'Get a schedule', operationId: 'getSchedule' })
  @ApiProblems(400, 404)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string): Promise<ScheduleDto> {
    return this.schedules.get(user, id);
  }

  /**
   * Changes the fields sent and only those; `enabled: false` pauses, `enabled: true` resumes (and
   * clears a pause after failures).
   */
  @Patch(':id')
  @RequireScope('schedules:write')
  @ApiOperation({ summary: 'Update a schedule', operationId: 'updateSchedule' })
  @ApiBody({
    type: UpdateScheduleDto,
    examples: {
      pause: { summary: 'Pause it', value: { enabled: false } },
      rename: { summary: 'Rename it (nothing else changes)', value: { name: 'Morning light' } },
      retime: { summary: 'Weekdays at 09:30 instead', value: { cron: '30 9 * * 1-5' } },
    },
  })
  @ApiProblems(400, 404)
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateScheduleDto,
  ): Promise<ScheduleDto> {
    return this.schedules.update(user, id, body);
  }

  /** Deletes the schedule; its past runs and images stay (`GET /schedules/{id}/runs` still lists them). */
  @Delete(':id')
  @HttpCode(204)
  @RequireScope('schedules:write')
  @ApiOperation({ summary: 'Delete a schedule', operationId: 'deleteSchedule' })
  @ApiNoContentResponse({ description: 'Deleted; no body' })
  @ApiProblems(400, 404)
  delete(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.schedules.delete(user, id);
  }

  /** Runs it now, outside its fire times (202 + the queued generation). */
  @Post(':id/run')
  @HttpCode(202)
  @RequireScope('schedules:write')
  @ApiOperation({ summary: 'Run a schedule now', operationId: 'runSchedule' })
  @ApiAcceptedResponse({ type: GenerationDto, description: 'The queued generation of the run' })
  @ApiProblems(400, 404, 429)
  run(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string): Promise<GenerationDto> {
    return this.schedules.runNow(user, id);
  }

  /** The schedule's runs, newest first: slot, job, status and images. */
  @Get(':id/runs')
  @RequireScope('images:read')
  @ApiOperation({ summary: "List a schedule's runs", operationId: 'listScheduleRuns' })
  @ApiProblems(400, 404)
  runs(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: ScheduleListQueryDto,
  ): Promise<ScheduleRunListDto> {
    return this.schedules.runs(user, id, query);
  }
}
