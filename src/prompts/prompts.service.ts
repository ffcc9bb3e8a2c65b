import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ValidationError } from '../common/errors.js';
import { PromptsConfig } from '../config/config-slices.js';
import { PROMPT_DATASETS } from './datasets/prompt-datasets.js';
import { PROMPT_STRATEGIES, PromptStrategy, type MadePrompt } from './prompt-strategy.js';
import { RANDOM_PROMPT_TEMPLATE } from './random.prompt-strategy.js';
import { MAX_SEED } from './seeded-random.js';
import type { PromptDatasetsDto, PromptDto } from './dto/prompt.dto.js';

export interface PromptChoice {
  readonly strategy?: string;
  readonly theme?: string | null;
  readonly prompt?: string | null;
}

@Injectable()
export class PromptsService {
  private readonly byName: ReadonlyMap<string, PromptStrategy>;

  constructor(
    @Inject(PROMPT_STRATEGIES) strategies: PromptStrategy[],
    private readonly config: PromptsConfig,
  ) {
    this.byName = new Map(strategies.map((strategy) => [strategy.name, strategy]));
  }

  /**
   * Which strategy a request means: the one it names; `literal` when it only gives a prompt;
   * else the configured default. Refuses combinations that would silently drop input.
   */
  resolveStrategy({ strategy, prompt }: PromptChoice): PromptStrategy {
    const name = strategy ?? (prompt ? 'literal' : this.config.defaultStrategy);
    const resolved = this.byName.get(name);
    if (!resolved && name === 'llm') {
      throw ValidationError.field('strategy', 'llm is not configured: set OPENAI_API_KEY');
    }
    if (!resolved) {
      throw ValidationError.field(
        'strategy',
        `must be one of: ${[...this.byName.keys()].join(', ')}`,
      );
    }
    if (resolved.needsText && !prompt?.trim()) {
      throw ValidationError.field('prompt', `is required by the ${name} strategy`);
    }
    if (!resolved.needsText && prompt) {
      throw ValidationError.field('prompt', `is not used by the ${name} strategy; use literal`);
    }
    return resolved;
  }

  async make(choice: PromptChoice & { seed: number }, signal?: AbortSignal): Promise<MadePrompt> {
    const strategy = this.resolveStrategy(choice);
    return strategy.make(
      { theme: choice.theme ?? null, text: choice.prompt ?? null, seed: choice.seed },
      signal,
    );
  }

  /** `POST /prompts`: a prompt without an image. */
  async preview(choice: PromptChoice & { seed?: number }): Promise<PromptDto> {
    const seed = choice.seed ?? randomInt(MAX_SEED);
    const made = await this.make({ ...choice, seed });
    return {
      strategy: made.strategy,
      theme: made.theme,
      prompt: made.prompt,
      seed,
      parts: made.parts,
    };
  }

  datasets(): PromptDatasetsDto {
    return {
      template: RANDOM_PROMPT_TEMPLATE,
      datasets: PROMPT_DATASETS.map(({ name, description, entries }) => ({
        name,
        description,
        entries: [...entries],
      })),
    };
  }
}
