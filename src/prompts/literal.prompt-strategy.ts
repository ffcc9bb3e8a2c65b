import { PromptStrategy, type MadePrompt, type PromptInput } from './prompt-strategy.js';

/** The user's own text, as written (trimmed). */
export class LiteralPromptStrategy extends PromptStrategy {
  readonly name = 'literal';
  readonly description = 'The prompt text you send, used as it is.';
  readonly needsText = true;

  async make({ text, theme }: PromptInput): Promise<MadePrompt> {
    return { strategy: this.name, theme, prompt: (text ?? '').trim(), parts: null };
  }
}
