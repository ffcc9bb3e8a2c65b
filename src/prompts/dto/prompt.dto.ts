import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { INTEGER, PROMPT_STRATEGY } from '../../common/api-enums.js';
import { PROMPT_STRATEGY_NAMES, type PromptStrategyName } from '../prompt-strategy.js';
import { MAX_SEED } from '../seeded-random.js';

export class CreatePromptDto {
  /** How to make the prompt; defaults to `literal` when `prompt` is given, else the configured default. */
  @ApiPropertyOptional(PROMPT_STRATEGY)
  @IsOptional()
  @IsIn(PROMPT_STRATEGY_NAMES)
  strategy?: PromptStrategyName;

  /** What the prompt should be about (`random`: replaces the subject). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  theme?: string;

  /** Your own prompt text (`literal` strategy). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  prompt?: string;

  /** Same seed, same prompt; random when omitted. */
  @ApiPropertyOptional(INTEGER)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SEED)
  seed?: number;
}

export class PromptDto {
  /** The strategy that made it. */
  @ApiProperty(PROMPT_STRATEGY)
  strategy: PromptStrategyName;
  @ApiProperty({ type: String, nullable: true })
  theme: string | null;
  prompt: string;
  /** The seed it was made with: the same seed gives the same prompt. */
  @ApiProperty({ ...INTEGER, minimum: 0 })
  seed: number;
  /** The dataset picks the prompt was made of (`random`), by dataset name. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, nullable: true })
  parts: Record<string, string> | null;
}

export class PromptDatasetDto {
  name: string;
  description: string;
  entries: string[];
}

export class PromptDatasetsDto {
  /** How one pick of each dataset is joined into a prompt. */
  template: string;
  datasets: PromptDatasetDto[];
}
