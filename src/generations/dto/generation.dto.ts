import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/pagination.dto.js';
import type { GenerationJob, JobStatus } from '../../storage/records/records.js';

export const JOB_STATUSES: JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'canceled'];

export class PromptLineageDto {
  /** Strategy that made the prompt. */
  strategy: string;
  @ApiProperty({ type: String, nullable: true })
  theme: string | null;
  /** The prompt the strategy made; null until the job has run that far. */
  @ApiProperty({ type: String, nullable: true })
  prompt: string | null;
  /** The provider's rewrite of the prompt, where it rewrites prompts. */
  @ApiProperty({ type: String, nullable: true })
  revisedPrompt: string | null;
}

export class GenerationRequestDto {
  strategy: string;
  @ApiProperty({ type: String, nullable: true })
  theme: string | null;
  @ApiProperty({ type: String, nullable: true })
  prompt: string | null;
  @ApiProperty({ type: String, nullable: true })
  negativePrompt: string | null;
  provider: string;
  model: string;
  size: string;
  n: number;
  seed: number;
  @ApiProperty({ enum: ['public', 'private'] })
  visibility: 'public' | 'private';
  tags: string[];
  @ApiProperty({ type: String, nullable: true })
  quality: string | null;
  @ApiProperty({ type: String, nullable: true })
  style: string | null;
}

export class JobErrorDto {
  /** Machine-readable: `provider_error`, `provider_timeout`, `rate_limited`, `invalid_image`, `storage_error`, `internal_error`... */
  code: string;
  message: string;
  /** Whether the failure was transient (it was retried until attempts ran out). */
  retryable: boolean;
}

export class GenerationDto {
  id: string;
  @ApiProperty({ enum: JOB_STATUSES })
  status: JobStatus;
  request: GenerationRequestDto;
  lineage: PromptLineageDto;
  /** Attempts started so far. */
  attempts: number;
  /** Why the job failed, or why its last attempt failed (present only then). */
  error?: JobErrorDto;
  /** Images made, once the job has succeeded. */
  imageIds: string[];
  @ApiProperty({ type: String, nullable: true })
  scheduleId: string | null;
  /** The provider's id for the work, e.g. a Replicate prediction id. */
  @ApiProperty({ type: String, nullable: true })
  providerRef: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  startedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
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
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class GenerationListQueryDto extends PageQueryDto {
  @ApiProperty({ enum: JOB_STATUSES, required: false })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;
}
