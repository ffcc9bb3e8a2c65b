import { describe, expect, it } from '@jest/globals';

import { PROMPT_DATASETS } from './prompt-datasets.js';

describe('PROMPT_DATASETS', () => {
  it('lists the nine categories in template order', () => {
    expect(PROMPT_DATASETS.map((dataset) => dataset.name)).toEqual([
      'subject',
      'action',
      'setting',
      'style',
      'medium',
      'lighting',
      'palette',
      'mood',
      'composition',
    ]);
  });

  for (const dataset of PROMPT_DATASETS) {
    describe(dataset.name, () => {
      it('has a description', () => {
        expect(dataset.description.trim()).not.toBe('');
      });

      it('has at least 40 entries', () => {
        expect(dataset.entries.length).toBeGreaterThanOrEqual(40);
      });

      it('has no duplicate entries', () => {
        const duplicates = dataset.entries.filter(
          (entry, index) => dataset.entries.indexOf(entry) !== index,
        );
        expect(duplicates).toEqual([]);
      });

      it('has no entry containing a comma', () => {
        const withComma = dataset.entries.filter((entry) => entry.includes(','));
        expect(withComma).toEqual([]);
      });

      it('has no entry starting or ending with whitespace', () => {
        const untrimmed = dataset.entries.filter((entry) => entry !== entry.trim());
        expect(untrimmed).toEqual([]);
      });

      it('has no empty entry and none longer than 60 characters', () => {
        const badLength = dataset.entries.filter(
          (entry) => entry.length === 0 || entry.length > 60,
        );
        expect(badLength).toEqual([]);
      });
    });
  }
});
