import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { INTEGER, PROMPT_STRATEGY } from '../../common/api-enums.js';
import { CreateGenerationDto } from '../../generations/dto/create-generation.dto.js';
import type { PromptStrategyName } from '../prompt-strategy.js';

/** The prompt part of a generation request; the same rules, said for a prompt alone. */
export class CreatePromptDto extends PickType(CreateGenerationDto, [
  'strategy',
  'theme',
  'prompt',
  'seed',
] as const) {
  /** How to make the prompt; defaults to `literal` when `prompt` is given, else the configured default. */
  declare strategy?: PromptStrategyName;

  // `PickType` copies `prompt` with its description in a generation request, which a comment on
  // a `declare` cannot replace here (it does for `strategy` and `seed`): set explicitly.
  @ApiPropertyOptional({ description: 'Your own prompt text (`literal` strategy).' })
  override prompt?: string;

  /** Same seed, same prompt; random when omitted. */
  declare seed?: number;
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
