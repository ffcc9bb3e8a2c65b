export interface PromptInput {
  /** What the prompt should be about; strategies may ignore it. */
  readonly theme: string | null;
  /** The user's own text, for strategies that use it. */
  readonly text: string | null;
  readonly seed: number;
}

export interface MadePrompt {
  readonly strategy: PromptStrategyName;
  readonly theme: string | null;
  readonly prompt: string;
  /** The pieces the prompt was made of, by dataset name, where the strategy composes one. */
  readonly parts: Readonly<Record<string, string>> | null;
}

/** Makes the text prompt for a generation. Adapters: random (datasets), literal, llm. */
export abstract class PromptStrategy {
  abstract readonly name: PromptStrategyName;
  abstract readonly description: string;
  /** Whether the strategy needs the user's text. */
  abstract readonly needsText: boolean;
  abstract make(input: PromptInput, signal?: AbortSignal): Promise<MadePrompt>;
}

/** Injection token for the list of every strategy. */
export const PROMPT_STRATEGIES = Symbol('PROMPT_STRATEGIES');

/** Every strategy name a request may give (the registry holds their implementations). */
import type { PromptStrategyName } from '../domain/records.js';

export { PROMPT_STRATEGY_NAMES, type PromptStrategyName } from '../domain/records.js';
