import { PROMPT_DATASETS } from './datasets/prompt-datasets.js';
import { PromptStrategy, type MadePrompt, type PromptInput } from './prompt-strategy.js';
import { hashString, seededRandom } from './seeded-random.js';

/** How the datasets' picks are joined; `{subject}` becomes the theme when one is given. */
export const RANDOM_PROMPT_TEMPLATE =
  '{subject} {action} {setting}, {style}, {medium}, {lighting}, {palette}, {mood}, {composition}';

/**
 * imageForge's "one click" prompt: one pick from each curated dataset, joined by the template.
 * The same seed (and theme) always gives the same prompt.
 */
export class RandomPromptStrategy extends PromptStrategy {
  readonly name = 'random';
  readonly description =
    'One pick from each curated dataset (subject, action, setting, style, medium, lighting, palette, mood, composition); a theme replaces the subject.';
  readonly needsText = false;

  async make({ theme, seed }: PromptInput): Promise<MadePrompt> {
    const random = seededRandom(theme ? seed ^ hashString(theme) : seed);
    const parts: Record<string, string> = {};
    for (const dataset of PROMPT_DATASETS) {
      parts[dataset.name] = dataset.entries[Math.floor(random() * dataset.entries.length)];
    }
    if (theme) parts.subject = theme;
    const prompt = RANDOM_PROMPT_TEMPLATE.replace(/\{(\w+)\}/g, (_, name: string) => parts[name]);
    return { strategy: this.name, theme, prompt, parts };
  }
}
