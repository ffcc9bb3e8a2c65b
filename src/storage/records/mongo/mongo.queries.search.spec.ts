/**
 * The MongoDB image search (`q`), checked without a server over in-memory documents (see
 * test/support/mongo-queries.ts): it finds what the SQLite full-text search finds.
 */
import { describe, expect, it } from '@jest/globals';

import { at, makeImage } from '../../../../test/fixtures/records.js';
import { find, ids, imageFilter, parsed } from '../../../../test/support/mongo-queries.js';
import { parseImageSearch } from '../image-search.js';
import { toImageDoc } from './mongo.documents.js';
import { searchFilter } from './mongo.queries.js';

describe('search tokens and q', () => {
  describe('finds images like the SQLite full-text search', () => {
    const image = (prompt: string, tags: string[], createdAt: string) =>
      toImageDoc(makeImage({ prompt, tags, createdAt }));
    const lighthouse = image('A Lighthouse on a rocky coast at dusk', ['seascape'], at(1));
    const fox = image('Red fox sleeping in the snow', ['animals', 'winter'], at(2));
    const keeper = image('The lighthouse keeper and her orange cat', ['animals'], at(3));
    const city = image('Neon city street at night, rain', ['cyberpunk'], at(4));
    const accents = image('Crème brûlée on a café table', [], at(5));
    const docs = [city, lighthouse, keeper, fox, accents];
    const search = (q: string) => ids(find(docs, imageFilter({ q })));

    it.each([
      ['fox', [fox]],
      ['FOX', [fox]],
      ['LightHouse', [keeper, lighthouse]],
      ['lighthouse cat', [keeper]],
      ['cat lighthouse', [keeper]],
      ['rocky cat', []],
      ['ligh', [keeper, lighthouse]],
      ['keeper ora', [keeper]],
      ['seascape', [lighthouse]],
      ['animals snow', [fox]],
      ['"fox"', [fox]],
      ['(snow)', [fox]],
      ['creme brulee', [accents]],
      ['CAFÉ', [accents]],
      ['zebra', []],
    ])('%j', (q, expected) => {
      expect(search(q)).toEqual(ids(expected));
    });

    it('needs a whole word before the last one: only the last is a prefix', () => {
      expect(search('ligh cat')).toEqual([]);
      expect(search('lighthouse ca')).toEqual([keeper._id]);
    });

    it.each(['$where', '{"$gt":""}', '^fox', 'fox.*', 'fox|cat', '\\fox', '[fox]', 'NEAR(fox'])(
      'treats regex and operator syntax as plain words: %j',
      (q) => {
        const filter = searchFilter(parsed(q));
        expect(() => find(docs, imageFilter({ q }))).not.toThrow();
        // The one prefix pattern is an anchored run of letters and digits.
        expect(JSON.stringify(filter)).toMatch(/"\$regex":"\^[\p{L}\p{N}]+"/u);
      },
    );

    it.each(['', '   ', '!!!', '"" * - :'])('matches nothing for q without a word: %j', (q) => {
      expect(parseImageSearch(q)).toBeNull();
      expect(imageFilter({ q, visibility: 'public' })).toBeNull();
    });

    it('looks at no more than 16 words', () => {
      const many = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
      expect(JSON.stringify(searchFilter(parsed(many)))).not.toContain('w16');
    });
  });
});
