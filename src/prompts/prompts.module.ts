import { Module } from '@nestjs/common';
import { LiteralPromptStrategy } from './literal.prompt-strategy.js';
import { PROMPT_STRATEGIES } from './prompt-strategy.js';
import { PromptsController } from './prompts.controller.js';
import { PromptsService } from './prompts.service.js';
import { RandomPromptStrategy } from './random.prompt-strategy.js';

@Module({
  controllers: [PromptsController],
  providers: [
    {
      provide: PROMPT_STRATEGIES,
      useFactory: () => [new RandomPromptStrategy(), new LiteralPromptStrategy()],
    },
    PromptsService,
  ],
  exports: [PromptsService],
})
export class PromptsModule {}
