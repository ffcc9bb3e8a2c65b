import { describe, expect, it } from '@jest/globals';

import { PROMPT_DATASETS } from './datasets/prompt-datasets.js';
import { RandomPromptStrategy } from './random.prompt-strategy.js';

describe('RandomPromptStrategy', () => {
  const strategy = new RandomPromptStrategy();
  const make = (seed: number, theme: string | null = null) =>
    strategy.make({ seed, theme, text: null });

  it('gives the same prompt for the same seed', async () => {
    const first = await make(12345);
    const second = await make(12345);

    expect(second).toEqual(first);
  });

  it('gives the same prompt for the same seed and theme', async () => {
    expect(await make(7, 'a lighthouse')).toEqual(await make(7, 'a lighthouse'));
  });

  it('gives varied prompts across seeds', async () => {
    const prompts = new Set<string>();
    for (let seed = 1; seed <= 50; seed++) prompts.add((await make(seed)).prompt);

    expect(prompts.size).toBeGreaterThanOrEqual(45);
  });

  it('picks one entry of every dataset, and the prompt is made of them', async () => {
    const made = await make(42);

    expect(made.strategy).toBe('random');
    expect(made.theme).toBeNull();
    for (const dataset of PROMPT_DATASETS) {
      const part = made.parts?.[dataset.name];
      expect(dataset.entries).toContain(part);
      expect(made.prompt).toContain(part);
    }
    expect(made.prompt.startsWith(made.parts!.subject)).toBe(true);
  });

  it('uses a theme as the subject, at the start of the prompt', async () => {
    const theme = 'a $& tiny castle made of cheese';
    const made = await make(42, theme);

    expect(made.theme).toBe(theme);
    expect(made.parts?.subject).toBe(theme);
    expect(made.prompt.startsWith(`${theme} `)).toBe(true);
    for (const dataset of PROMPT_DATASETS) {
      expect(made.parts?.[dataset.name]).toBeTruthy();
    }
  });
});
