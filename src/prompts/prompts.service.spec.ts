import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { ValidationError } from '../common/errors.js';
import { loadConfig } from '../config/app-config.js';
import { PROMPT_DATASETS } from './datasets/prompt-datasets.js';
import { LiteralPromptStrategy } from './literal.prompt-strategy.js';
import { PromptsService, type PromptChoice } from './prompts.service.js';
import { RANDOM_PROMPT_TEMPLATE, RandomPromptStrategy } from './random.prompt-strategy.js';

describe('PromptsService', () => {
  let dataDir: string;
  let service: PromptsService;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'prompts-service-'));
    service = new PromptsService(
      [new RandomPromptStrategy(), new LiteralPromptStrategy()],
      loadConfig({ DATA_DIR: dataDir }).prompts,
    );
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The field the ValidationError `preview(choice)` rejects with names. */
  async function rejectedField(choice: PromptChoice): Promise<string> {
    const error: unknown = await service.preview({ ...choice, seed: 1 }).then(
      () => {
        throw new Error(`preview accepted ${JSON.stringify(choice)}`);
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).errors[0].field;
  }

  describe('picks the strategy', () => {
    it('uses the configured default (random) when given nothing', async () => {
      const preview = await service.preview({});

      expect(preview.strategy).toBe('random');
      expect(preview.parts).not.toBeNull();
    });

    it('uses literal when given only a prompt, keeping the text (trimmed)', async () => {
      const preview = await service.preview({ prompt: '  a red bicycle in the rain  ' });

      expect(preview.strategy).toBe('literal');
      expect(preview.prompt).toBe('a red bicycle in the rain');
    });

    it('uses the strategy named', async () => {
      expect((await service.preview({ strategy: 'random' })).strategy).toBe('random');
      expect((await service.preview({ strategy: 'literal', prompt: 'x' })).strategy).toBe(
        'literal',
      );
    });
  });

  describe('refuses input it would drop or cannot use', () => {
    it('literal without a prompt', async () => {
      expect(await rejectedField({ strategy: 'literal' })).toBe('prompt');
    });

    it('literal with a blank prompt', async () => {
      expect(await rejectedField({ strategy: 'literal', prompt: '   ' })).toBe('prompt');
    });

    it('random with a prompt', async () => {
      expect(await rejectedField({ strategy: 'random', prompt: 'a cat' })).toBe('prompt');
    });

    it('an unknown strategy', async () => {
      expect(await rejectedField({ strategy: 'llm-magic' })).toBe('strategy');
    });
  });

  describe('preview', () => {
    it('returns the seed it used, which reproduces the prompt', async () => {
      const first = await service.preview({ theme: 'a quiet harbor' });
      const again = await service.preview({ theme: 'a quiet harbor', seed: first.seed });

      expect(Number.isInteger(first.seed)).toBe(true);
      expect(again).toEqual(first);
    });

    it('keeps a seed it is given', async () => {
      expect((await service.preview({ seed: 99 })).seed).toBe(99);
    });

    it('passes the theme through', async () => {
      const preview = await service.preview({ theme: 'a quiet harbor', seed: 3 });

      expect(preview.theme).toBe('a quiet harbor');
      expect(preview.prompt.startsWith('a quiet harbor')).toBe(true);
    });
  });

  it('lists the template and every dataset', () => {
    const { template, datasets } = service.datasets();

    expect(template).toBe(RANDOM_PROMPT_TEMPLATE);
    expect(datasets).toEqual(
      PROMPT_DATASETS.map(({ name, description, entries }) => ({
        name,
        description,
        entries: [...entries],
      })),
    );
    for (const { name } of datasets) expect(template).toContain(`{${name}}`);
  });
});
