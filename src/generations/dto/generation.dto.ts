import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import {
  ApiDateTime,
  ApiInteger,
  ApiNullableDateTime,
  ApiNullableString,
} from '../../common/api-properties.js';
import { JOB_ERROR_CODE, JOB_STATUS, PROMPT_STRATEGY, VISIBILITY } from '../../common/api-enums.js';
import { PageQueryDto } from '../../common/pagination.dto.js';
import type { PromptStrategyName } from '../../prompts/prompt-strategy.js';
import {
  JOB_STATUSES,
  type GenerationJob,
  type JobErrorCode,
  type JobStatus,
  type Visibility,
} from '../../domain/records.js';

/** The request as the job runs it: every default filled in. */
export class GenerationRequestDto {
  /** How the prompt is made. */
  @ApiProperty(PROMPT_STRATEGY)
  strategy: PromptStrategyName;
  @ApiNullableString()
  theme: string | null;
  @ApiNullableString()
  prompt: string | null;
  @ApiNullableString()
  negativePrompt: string | null;
  provider: string;
  model: string;
  /** `WIDTHxHEIGHT`. */
  size: string;
  /** Number of images. */
  @ApiInteger(1)
  n: number;
  /** Seed of the first image (image i uses seed + i). */
  @ApiInteger(0)
  seed: number;
  /** The visibility its images get. */
  @ApiProperty(VISIBILITY)
  visibility: Visibility;
  tags: string[];
  @ApiNullableString()
  quality: string | null;
  @ApiNullableString()
  style: string | null;
}

/** How a prompt came to be: theme → strategy's prompt → the provider's revision of it. */
export class PromptLineageDto extends PickType(GenerationRequestDto, [
  'strategy',
  'theme',
  'prompt',
] as const) {
  /** Strategy that made the prompt. */
  declare strategy: PromptStrategyName;
  /** The prompt the strategy made; null until the job has run that far. */
  declare prompt: string | null;
  /** The provider's rewrite of the prompt, where it rewrites prompts. */
  @ApiNullableString()
  revisedPrompt: string | null;
}

export class JobErrorDto {
  /**
   * Machine-readable: `rate_limited`, `timeout`, `provider_error` (retried); `provider_auth`,
   * `provider_billing`, `provider_rejected`, `content_policy` (the provider refused, never retried);
   * `prediction_failed`, `prediction_canceled` (Replicate); `download_*` (fetching the provider's
   * output); `invalid_image`, `invalid_request`, `storage_error`, `internal_error`; `crashed` (the
   * process running it died on every attempt: never retried further).
   */
  @ApiProperty(JOB_ERROR_CODE)
  code: JobErrorCode;
  /** What went wrong, for a person. */
  message: string;
  /** Whether the failure was transient (it was retried until attempts ran out). */
  retryable: boolean;
}

export class GenerationDto {
  id: string;
  /** `queued` → `running` → `succeeded`, `failed` or `canceled`. */
  @ApiProperty(JOB_STATUS)
  status: JobStatus;
  request: GenerationRequestDto;
  lineage: PromptLineageDto;
  /** Attempts started so far. */
  @ApiInteger(0)
  attempts: number;
  /** Why the job failed, or why its last attempt failed (present only then). */
  error?: JobErrorDto;
  /** Images made, once the job has succeeded. */
  imageIds: string[];
  @ApiNullableString()
  scheduleId: string | null;
  /** The provider's id for the work, e.g. a Replicate prediction id. */
  @ApiNullableString()
  providerRef: string | null;
  @ApiDateTime()
  createdAt: string;
  @ApiDateTime()
  updatedAt: string;
  @ApiNullableDateTime()
  startedAt: string | null;
  @ApiNullableDateTime()
  finishedAt: string | null;

  static from(job: GenerationJob): GenerationDto {
    return {
      id: job.id,
      status: job.status,
      request: { ...job.request, tags: [...job.request.tags] },
      lineage: { ...job.lineage },
      attempts: job.attempts,
      ...(job.error ? { error: { ...job.error } } : {}),
      imageIds: [...job.imageIds],
      scheduleId: job.scheduleId,
      providerRef: job.providerRef,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
    };
  }
}

export class GenerationListDto {
  items: GenerationDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  @ApiNullableString()
  nextCursor: string | null;
}

export class GenerationListQueryDto extends PageQueryDto {
  /** Only jobs in this state. */
  @ApiPropertyOptional(JOB_STATUS)
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;
}
