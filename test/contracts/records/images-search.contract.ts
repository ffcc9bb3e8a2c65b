/**
 * Full-text search over images (`q`): every word must match the prompt or the tags, in any case,
 * the last word may be a prefix, and no input is search syntax.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import type {
  ImageFilter,
  ImagesRepository,
} from '../../../src/storage/records/images.repository.js';
import { at, makeImage } from '../../fixtures/records.js';
import { collectPages, idsOf } from './paging.js';
import { freshStoreEachTest, type OpenRecordStore } from './record-store.js';

export function describeImageSearchContract(open: OpenRecordStore): void {
  describe('images', () => {
    describe('list', () => {
      describe('full-text search (q)', () => {
        let images: ImagesRepository;
        freshStoreEachTest(open, (fixture) => ({ images } = fixture));

        const lighthouse = makeImage({
          prompt: 'A Lighthouse on a rocky coast at dusk',
          tags: ['seascape'],
          createdAt: at(1),
        });
        const fox = makeImage({
          prompt: 'Red fox sleeping in the snow',
          tags: ['animals', 'winter'],
          createdAt: at(2),
        });
        const keeper = makeImage({
          prompt: 'The lighthouse keeper and her orange cat',
          tags: ['animals'],
          visibility: 'private',
          createdAt: at(3),
        });
        const city = makeImage({
          prompt: 'Neon city street at night, rain',
          tags: ['cyberpunk'],
          createdAt: at(4),
        });
        const search = (q: string, filter: ImageFilter = {}) =>
          images.list({ ...filter, q }, { limit: 50 }).then(idsOf);

        beforeEach(async () => {
          for (const image of [city, lighthouse, keeper, fox]) await images.insert(image);
        });

        it('matches a word of the prompt, in any case', async () => {
          await expect(search('fox')).resolves.toEqual([fox.id]);
          await expect(search('FOX')).resolves.toEqual([fox.id]);
          await expect(search('lighthouse')).resolves.toEqual([keeper.id, lighthouse.id]);
          await expect(search('LightHouse')).resolves.toEqual([keeper.id, lighthouse.id]);
          await expect(search('neon')).resolves.toEqual([city.id]);
        });

        it('requires every word to match', async () => {
          await expect(search('lighthouse cat')).resolves.toEqual([keeper.id]);
          await expect(search('cat lighthouse')).resolves.toEqual([keeper.id]);
          await expect(search('rocky cat')).resolves.toEqual([]);
          await expect(search('fox zebra')).resolves.toEqual([]);
        });

        it('matches a prefix of the last word', async () => {
          await expect(search('ligh')).resolves.toEqual([keeper.id, lighthouse.id]);
          await expect(search('keeper ora')).resolves.toEqual([keeper.id]);
          await expect(search('sle')).resolves.toEqual([fox.id]);
        });

        it('matches a word of the tags', async () => {
          await expect(search('seascape')).resolves.toEqual([lighthouse.id]);
          await expect(search('winter')).resolves.toEqual([fox.id]);
          await expect(search('animals')).resolves.toEqual([keeper.id, fox.id]);
          await expect(search('animals snow')).resolves.toEqual([fox.id]);
        });

        it('combines with the other filters and with paging', async () => {
          await expect(search('lighthouse', { visibility: 'public' })).resolves.toEqual([
            lighthouse.id,
          ]);
          await expect(search('animals', { ownerId: keeper.ownerId })).resolves.toEqual([
            keeper.id,
          ]);
          await expect(search('animals', { tag: 'winter' })).resolves.toEqual([fox.id]);

          const pages = await collectPages((page) => images.list({ q: 'lighthouse' }, page), 1);
          expect(idsOf(pages.flat())).toEqual([keeper.id, lighthouse.id]);
        });

        it.each([
          '"',
          '"fox',
          'fox"',
          '"red fox"',
          '*',
          'fox*',
          '*fox',
          'fox OR cat',
          'OR',
          'AND',
          'NOT fox',
          'NEAR(fox snow)',
          'NEAR(',
          '-',
          '-fox',
          'fox -snow',
          ':',
          'prompt:fox',
          'tags:animals',
          '^fox',
          '(fox',
          'fox)',
          "fox's",
          '{fox}',
          '[fox]',
          '\\fox',
          '$where',
          '{"$gt":""}',
        ])('never throws on search syntax in q: %j', async (q) => {
          const results = await images.list({ q }, { limit: 50 });

          expect(Array.isArray(results)).toBe(true);
        });

        it('treats quotes and punctuation around a word as plain text', async () => {
          await expect(search('"fox"')).resolves.toEqual([fox.id]);
          await expect(search('fox!')).resolves.toEqual([fox.id]);
          await expect(search('(snow)')).resolves.toEqual([fox.id]);
        });

        it.each(['!!!', '   ', '', '"" * - :'])(
          'returns nothing for q without letters or digits: %j',
          async (q) => {
            await expect(search(q)).resolves.toEqual([]);
          },
        );

        it('finds an image by its new tags after an update, and not by the old ones', async () => {
          await images.update(city.id, { tags: ['synthwave', 'metropolis'] });

          await expect(search('synthwave')).resolves.toEqual([city.id]);
          await expect(search('metropolis neon')).resolves.toEqual([city.id]);
          await expect(search('cyberpunk')).resolves.toEqual([]);
          await expect(search('neon')).resolves.toEqual([city.id]);
        });

        it('no longer finds a deleted image', async () => {
          await images.delete(fox.id);

          await expect(search('fox')).resolves.toEqual([]);
          await expect(search('animals')).resolves.toEqual([keeper.id]);
        });
      });
    });
  });
}
