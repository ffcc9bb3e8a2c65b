import { Module } from '@nestjs/common';
import { ProvidersConfig } from '../config/config-slices.js';
import { LiteralPromptStrategy } from './literal.prompt-strategy.js';
import { LlmPromptStrategy } from './llm.prompt-strategy.js';
import { PROMPT_STRATEGIES, type PromptStrategy } from './prompt-strategy.js';
import { PromptsController } from './prompts.controller.js';
import { PromptsService } from './prompts.service.js';
import { RandomPromptStrategy } from './random.prompt-strategy.js';

/** `llm` is registered only with an OpenAI key; asking for it without one is a 400 that says so. */
function promptStrategies(config: ProvidersConfig): PromptStrategy[] {
  const { apiKey, baseUrl, promptModel } = config.openai;
  return [
    new RandomPromptStrategy(),
    new LiteralPromptStrategy(),
    ...(apiKey ? [new LlmPromptStrategy({ apiKey, baseUrl, model: promptModel })] : []),
  ];
}

@Module({
  controllers: [PromptsController],
  providers: [
    { provide: PROMPT_STRATEGIES, useFactory: promptStrategies, inject: [ProvidersConfig] },
    PromptsService,
  ],
  exports: [PromptsService],
})
export class PromptsModule {}
