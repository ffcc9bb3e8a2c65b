/**
 * GenerationsService on the in-memory fakes, wired as the app wires it (templates resolve against
 * the offline and OpenAI providers' capabilities; nothing here calls a provider): idempotency, the
 * in-flight quota, a schedule slot run once, and template resolution.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';

import { compileWithFakes } from '../../test/support/fakes/testing-module.js';
import type { AuthUser } from '../auth/auth-user.js';
import { ConflictError, QuotaExceededError, ValidationError } from '../common/errors.js';
import type { CreateGenerationDto } from './dto/create-generation.dto.js';
import { GenerationsModule } from './generations.module.js';
import { GenerationsService } from './generations.service.js';

const MAX_ACTIVE = 2;

const ada: AuthUser = { id: 'user-ada', email: 'ada@example.com', role: 'user' };
const bob: AuthUser = { id: 'user-bob', email: 'bob@example.com', role: 'user' };

/** The error a call rejects with (or throws), to check its type and fields. */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('GenerationsService', () => {
  let moduleRef: TestingModule;
  let service: GenerationsService;

  beforeEach(async () => {
    // A key makes the OpenAI provider available; nothing here calls it.
    ({ moduleRef } = await compileWithFakes([GenerationsModule], {
      OPENAI_API_KEY: 'sk-test',
      IMAGE_PROVIDER: 'offline',
      PROMPT_STRATEGY: 'random',
      GENERATION_MAX_ACTIVE_PER_USER: String(MAX_ACTIVE),
    }));
    service = moduleRef.get(GenerationsService);
  });
  afterEach(async () => {
    await moduleRef.close();
  });

  describe('Idempotency-Key', () => {
    const body: CreateGenerationDto = { theme: 'sea', size: '512x512' };

    it('answers a retry with the first job, marked replayed', async () => {
      const first = await service.accept(ada, body, 'key-1');
      const again = await service.accept(ada, { size: '512x512', theme: 'sea' }, 'key-1');

      expect(first.replayed).toBe(false);
      expect(again).toEqual({ job: first.job, replayed: true });
      expect((await service.list(ada, {})).items).toEqual([first.job]);
    });

    it('settles two concurrent first uses of a key on one job', async () => {
      const both = await Promise.all([
        service.accept(ada, body, 'key-1'),
        service.accept(ada, body, 'key-1'),
      ]);

      expect(new Set(both.map((r) => r.job.id)).size).toBe(1);
      expect(both.map((r) => r.replayed).sort()).toEqual([false, true]);
    });

    it('refuses the key with a different request (409 naming the header)', async () => {
      await service.accept(ada, body, 'key-1');

      const error = await failure(() => service.accept(ada, { ...body, theme: 'forest' }, 'key-1'));

      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).errors).toEqual([
        expect.objectContaining({ field: 'Idempotency-Key' }),
      ]);
    });

    it("keeps each owner's keys apart", async () => {
      const mine = await service.accept(ada, body, 'key-1');
      const theirs = await service.accept(bob, { ...body, theme: 'forest' }, 'key-1');

      expect(theirs.replayed).toBe(false);
      expect(theirs.job.id).not.toBe(mine.job.id);
    });

    it.each([
      ['empty', ''],
      ['with a space', 'has space'],
      ['of 256 characters', 'x'.repeat(256)],
      ['not ASCII', 'é'],
    ])('refuses a key %s (400 naming the header)', async (_label, key) => {
      const error = await failure(() => service.accept(ada, body, key));

      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors).toEqual([
        expect.objectContaining({ field: 'Idempotency-Key' }),
      ]);
    });
  });

  describe('the in-flight quota', () => {
    it('refuses a job over the cap with 429 and a Retry-After hint, per owner', async () => {
      for (let i = 0; i < MAX_ACTIVE; i++) await service.accept(ada, {});

      const error = await failure(() => service.accept(ada, {}));

      expect(error).toBeInstanceOf(QuotaExceededError);
      expect((error as QuotaExceededError).retryAfterSeconds).toBeGreaterThan(0);
      await expect(service.accept(bob, {})).resolves.toMatchObject({ replayed: false });
    });

    it('counts queued and running jobs only: a finished one frees its place', async () => {
      const first = await service.accept(ada, {});
      await service.accept(ada, {});

      await service.cancel(ada, first.job.id);

      await expect(service.accept(ada, {})).resolves.toMatchObject({ replayed: false });
    });

    it('replays a known key even at the cap', async () => {
      const first = await service.accept(ada, {}, 'key-1');
      await service.accept(ada, {});

      await expect(service.accept(ada, {}, 'key-1')).resolves.toEqual({
        job: first.job,
        replayed: true,
      });
    });

    it("counts a schedule's runs against its owner's cap", async () => {
      const template = service.resolveTemplate({});
      await service.submitScheduled(ada.id, template, 'schedule-1', '2026-11-22T10:00:00.000Z');
      await service.submitScheduled(ada.id, template, 'schedule-1', '2026-11-22T11:00:00.000Z');

      await expect(failure(() => service.accept(ada, {}))).resolves.toBeInstanceOf(
        QuotaExceededError,
      );
    });
  });

  describe('a schedule slot', () => {
    it('runs once, however often it is submitted', async () => {
      const template = service.resolveTemplate({ theme: 'sea' });
      const slot = '2026-11-22T10:00:00.000Z';

      const first = await service.submitScheduled(ada.id, template, 'schedule-1', slot);
      const again = await service.submitScheduled(ada.id, template, 'schedule-1', slot);

      expect(first.created).toBe(true);
      expect(again).toEqual({ job: first.job, created: false });
      expect(first.job).toMatchObject({ scheduleId: 'schedule-1', slot, status: 'queued' });
    });
  });

  describe('template resolution', () => {
    it("fills every default from the default provider's default model", () => {
      expect(service.resolveTemplate({})).toEqual({
        strategy: 'random',
        theme: null,
        prompt: null,
        negativePrompt: null,
        provider: 'offline',
        model: 'poster-v1',
        size: '1024x1024',
        n: 1,
        visibility: 'public',
        tags: [],
        quality: null,
        style: null,
      });
    });

    it('takes literal text as the literal strategy, and normalises tags', () => {
      expect(
        service.resolveTemplate({ prompt: 'a lighthouse', tags: ['Koi', 'koi', ' Sea '] }),
      ).toMatchObject({ strategy: 'literal', prompt: 'a lighthouse', tags: ['koi', 'sea'] });
    });

    it('keeps a given seed and draws one per request otherwise', async () => {
      const seeded = await service.accept(ada, { seed: 7 });
      const drawn = await service.accept(bob, {});

      expect(seeded.job.request.seed).toBe(7);
      expect(Number.isInteger(drawn.job.request.seed)).toBe(true);
    });

    it.each<[string, CreateGenerationDto, string]>([
      ['a size the model does not draw', { size: '640x480' }, 'size'],
      ['more images than the model draws at once', { n: 5 }, 'n'],
      [
        'a negative prompt the model does not take',
        { provider: 'openai', model: 'dall-e-3', negativePrompt: 'x' },
        'negativePrompt',
      ],
      [
        'a seed the model does not take',
        { provider: 'openai', model: 'dall-e-3', seed: 1 },
        'seed',
      ],
      [
        'a quality the model does not offer',
        { provider: 'openai', model: 'dall-e-3', quality: 'ultra' },
        'quality',
      ],
      ['a quality to a model without qualities', { quality: 'hd' }, 'quality'],
      ['a style to a model without styles', { style: 'vivid' }, 'style'],
      ['an unknown provider', { provider: 'nope' }, 'provider'],
      ['an unknown model', { model: 'nope' }, 'model'],
    ])('refuses %s, naming the field', (_label, body, field) => {
      let error: unknown;
      try {
        service.resolveTemplate(body);
      } catch (caught) {
        error = caught;
      }

      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors).toEqual([expect.objectContaining({ field })]);
    });

    it('stores nothing for a request it refuses', async () => {
      await failure(() => service.accept(ada, { size: '640x480' }, 'key-1'));

      await expect(service.list(ada, {})).resolves.toEqual({ items: [], nextCursor: null });
      await expect(service.accept(ada, {}, 'key-1')).resolves.toMatchObject({ replayed: false });
    });
  });
});
