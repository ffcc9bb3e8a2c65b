import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { AreTags } from '../../common/tags.js';
import { INTEGER, PROMPT_STRATEGY, VISIBILITY } from '../../common/api-enums.js';
import { PROMPT_STRATEGY_NAMES, type PromptStrategyName } from '../../prompts/prompt-strategy.js';
import { MAX_SEED } from '../../prompts/seeded-random.js';
import { VISIBILITIES, type Visibility } from '../../domain/records.js';

/** Every field is optional: an empty body draws a random prompt with the default provider. */
export class CreateGenerationDto {
  /** How to make the prompt; `literal` when `prompt` is given, else the configured default. */
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

  /** Your own prompt (implies the `literal` strategy). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  prompt?: string;

  /** What the image should not show, where the model supports it. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  negativePrompt?: string;

  /** Provider name (see `GET /providers`); the configured default when omitted. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  provider?: string;

  /** Model id of the provider; its default when omitted. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  model?: string;

  /** `WIDTHxHEIGHT`, one of the model's sizes; its default when omitted. */
  @IsOptional()
  @IsString()
  @Matches(/^\d{2,4}x\d{2,4}$/, { message: 'size must look like 1024x1024' })
  size?: string;

  /** Number of images, up to the model's limit (`maxN` in `GET /providers`); 1 when omitted. */
  @ApiPropertyOptional(INTEGER)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  n?: number;

  /** Seed of the first image (image i uses seed + i); random when omitted. */
  @ApiPropertyOptional(INTEGER)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SEED)
  seed?: number;

  /** Rendering quality, where the model declares qualities (see `GET /providers`). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  quality?: string;

  /** Rendering style, where the model declares styles (see `GET /providers`). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  style?: string;

  /** `public` (in the gallery) when omitted, or `private` (yours only). */
  @ApiPropertyOptional(VISIBILITY)
  @IsOptional()
  @IsIn(VISIBILITIES)
  visibility?: Visibility;

  /** Tags for the images: letters, digits, space, `_` and `-`, up to 40 characters each. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @AreTags()
  tags?: string[];
}
