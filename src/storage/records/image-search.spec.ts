import { describe, expect, it } from '@jest/globals';

import { MAX_SEARCH_WORDS, parseImageSearch, searchTokens, searchWords } from './image-search.js';

describe('search words', () => {
  it('splits on anything but letters and digits, folds case, width and diacritics', () => {
    expect(searchWords('A Lighthouse, on a ROCKY coast — at dusk!')).toEqual([
      'a',
      'lighthouse',
      'on',
      'a',
      'rocky',
      'coast',
      'at',
      'dusk',
    ]);
    expect(searchWords('Ünïcödé Café naïve')).toEqual(['unicode', 'cafe', 'naive']);
    expect(searchWords('ＦＵＬＬ width ２０２６')).toEqual(['full', 'width', '2026']);
    expect(searchWords('İstanbul')).toEqual(['istanbul']);
    expect(searchWords('"" * - : !!!')).toEqual([]);
  });

  it('splits at a combining mark that NFC leaves apart, as SQLite’s tokenizer does', () => {
    expect(searchWords('हिन्दी')).toEqual(['ह', 'न', 'द']);
  });

  it('indexes the distinct words of the prompt and of every tag', () => {
    expect(searchTokens('A fox, a FOX', ['Winter', 'red-fox'])).toEqual([
      'a',
      'fox',
      'winter',
      'red',
    ]);
  });
});

describe('parsing q', () => {
  it('keeps the words as written for FTS5, and folded for the stored tokens', () => {
    expect(parseImageSearch('"Crème" brûl*')).toEqual({
      words: ['Crème', 'brûl'],
      tokens: ['creme', 'brul'],
    });
    expect(parseImageSearch('Ёлка')).toEqual({ words: ['Ёлка'], tokens: ['елка'] });
  });

  it(`reads no more than ${MAX_SEARCH_WORDS} words`, () => {
    const q = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');

    expect(parseImageSearch(q)?.words).toHaveLength(MAX_SEARCH_WORDS);
    expect(parseImageSearch(q)?.words.at(-1)).toBe('w15');
  });

  it.each(['', '   ', '!!!', '"" * - :'])('is null for q without a word: %j', (q) => {
    expect(parseImageSearch(q)).toBeNull();
  });
});
