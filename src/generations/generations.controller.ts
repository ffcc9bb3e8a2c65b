import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  Sse,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { ApiAuth, ApiProblems } from '../common/api-docs.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { CreateGenerationDto } from './dto/create-generation.dto.js';
import { GenerationDto, GenerationListDto, GenerationListQueryDto } from './dto/generation.dto.js';
import { GenerationsService, type SseMessage } from './generations.service.js';

@ApiTags('generations')
@ApiAuth()
@Controller('generations')
export class GenerationsController {
  constructor(private readonly generations: GenerationsService) {}

  /**
   * Queues a generation and answers at once with the job (202). An empty body draws a random
   * prompt with the default provider. Follow the job with `GET /generations/{id}/events` or by
   * polling `GET /generations/{id}`.
   */
  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a generation', operationId: 'createGeneration' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retries with the same key return the first job instead of starting another.',
  })
  @ApiAcceptedResponse({
    type: GenerationDto,
    description: 'Queued (or, for a reused Idempotency-Key, the first job)',
  })
  @ApiProblems(400, 409, 413, 415, 429)
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateGenerationDto = {},
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GenerationDto> {
    const { job, replayed } = await this.generations.accept(user, body ?? {}, idempotencyKey);
    void reply.header('location', `/api/v1/generations/${job.id}`);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return job;
  }

  /** My generations, newest first. */
  @Get()
  @ApiOperation({ summary: 'List my generations', operationId: 'listGenerations' })
  @ApiProblems(400)
  list(
    @CurrentUser() user: AuthUser,
    @Query() query: GenerationListQueryDto,
  ): Promise<GenerationListDto> {
    return this.generations.list(user, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a generation', operationId: 'getGeneration' })
  @ApiProblems(400, 404)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string): Promise<GenerationDto> {
    return this.generations.get(user, id);
  }

  /**
   * Server-sent events: the job as it is now, then each change, until it succeeds, fails or is
   * canceled. Each event's `data` is a `Generation` as JSON.
   */
  @Sse(':id/events')
  @ApiOperation({ summary: 'Follow a generation (SSE)', operationId: 'streamGenerationEvents' })
  @ApiProduces('text/event-stream')
  @ApiProblems(400, 404)
  events(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<Observable<SseMessage>> {
    return this.generations.events(user, id);
  }

  /** Cancels a queued or running generation; images it had made are removed. */
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a generation', operationId: 'cancelGeneration' })
  @ApiProblems(400, 404, 409)
  cancel(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<GenerationDto> {
    return this.generations.cancel(user, id);
  }
}
