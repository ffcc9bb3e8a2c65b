import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { ApiAuth, ApiProblems } from '../common/api-docs.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { GenerationDto } from '../generations/dto/generation.dto.js';
import {
  CreateScheduleDto,
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
  @ApiOperation({ summary: 'Create a schedule', operationId: 'createSchedule' })
  @ApiProblems(400, 409)
  create(@CurrentUser() user: AuthUser, @Body() body: CreateScheduleDto): Promise<ScheduleDto> {
    return this.schedules.create(user, body);
  }

  /** My schedules, newest first (an admin sees everyone's). */
  @Get()
  @ApiOperation({ summary: 'List schedules', operationId: 'listSchedules' })
  @ApiProblems(400)
  list(
    @CurrentUser() user: AuthUser,
    @Query() query: ScheduleListQueryDto,
  ): Promise<ScheduleListDto> {
    return this.schedules.list(user, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a schedule', operationId: 'getSchedule' })
  @ApiProblems(400, 404)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string): Promise<ScheduleDto> {
    return this.schedules.get(user, id);
  }

  /** Changes any field; `enabled: false` pauses, `enabled: true` resumes (and clears a failure pause). */
  @Patch(':id')
  @ApiOperation({ summary: 'Update a schedule', operationId: 'updateSchedule' })
  @ApiProblems(400, 404)
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateScheduleDto,
  ): Promise<ScheduleDto> {
    return this.schedules.update(user, id, body);
  }

  /** Deletes the schedule; its past runs and images stay. */
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a schedule', operationId: 'deleteSchedule' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404)
  delete(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.schedules.delete(user, id);
  }

  /** Runs it now, outside its fire times (202 + the queued generation). */
  @Post(':id/run')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run a schedule now', operationId: 'runSchedule' })
  @ApiAcceptedResponse({ type: GenerationDto })
  @ApiProblems(400, 404, 429)
  run(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string): Promise<GenerationDto> {
    return this.schedules.runNow(user, id);
  }

  /** The schedule's runs, newest first: slot, job, status and images. */
  @Get(':id/runs')
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
