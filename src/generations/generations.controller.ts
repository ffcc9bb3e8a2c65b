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
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { RequireScope } from '../auth/scopes.js';
import { ApiAuth, ApiProblems, headerRefs } from '../common/api-docs.js';
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
  @RequireScope('generations:write')
  @ApiOperation({ summary: 'Start a generation', operationId: 'createGeneration' })
  @ApiBody({
    type: CreateGenerationDto,
    required: false,
    description:
      'Every field is optional; no body (or `{}`) means a random prompt, default provider.',
    examples: {
      surpriseMe: { summary: 'Surprise me: random prompt, default provider', value: {} },
      ownPrompt: {
        summary: 'My own prompt, kept private',
        value: {
          prompt: 'A lighthouse on a cliff at dusk, watercolor',
          visibility: 'private',
          tags: ['lighthouse', 'watercolor'],
        },
      },
      theme: {
        summary: 'A random prompt on a theme, two images, fixed seed',
        value: { strategy: 'random', theme: 'koi pond', n: 2, seed: 42 },
      },
    },
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Retries with the same key return the first job (with `Idempotent-Replayed: true`) instead of ' +
      'starting another; the same key with a different body is a 409.',
    schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,255}$', minLength: 1, maxLength: 255 },
  })
  @ApiAcceptedResponse({
    type: GenerationDto,
    description: 'Queued (or, for a reused Idempotency-Key, the first job)',
    headers: headerRefs('Location', 'Idempotent-Replayed'),
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

  /** My generations, newest first, optionally only those in one state. */
  @Get()
  @RequireScope('images:read')
  @ApiOperation({ summary: 'List my generations', operationId: 'listGenerations' })
  @ApiProblems(400)
  list(
    @CurrentUser() user: AuthUser,
    @Query() query: GenerationListQueryDto,
  ): Promise<GenerationListDto> {
    return this.generations.list(user, query);
  }

  /** One of my generations: its state, prompt lineage, attempts, error and images. */
  @Get(':id')
  @RequireScope('images:read')
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
  @RequireScope('images:read')
  @ApiOperation({ summary: 'Follow a generation (SSE)', operationId: 'streamGenerationEvents' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'An event stream: each `data:` line is a `GenerationDto` as JSON; the stream ends after a terminal state',
    content: {
      'text/event-stream': {
        schema: { type: 'string', example: 'data: {"id":"…","status":"running",…}\n\n' },
      },
    },
  })
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
  @ApiOkResponse({ type: GenerationDto, description: 'Canceled' })
  @RequireScope('generations:write')
  @ApiOperation({ summary: 'Cancel a generation', operationId: 'cancelGeneration' })
  @ApiProblems(400, 404, 409)
  cancel(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<GenerationDto> {
    return this.generations.cancel(user, id);
  }
}
