import { describe, expect, it } from '@jest/globals';
import type { Type } from '@nestjs/common';
import { checkQuery, hasQueryCheck } from '../../common/query-checks.js';
import { createValidationPipe } from '../../common/validation.js';
import { ImageQueryDto, MyImageQueryDto } from './image.dto.js';
import { Rng } from '../../prompts/seeded-random.js';

/** Values for each field: valid ones, edge cases and faults. */
const VALUES: Record<string, (string | string[])[]> = {
  cursor: ['MjAyNi0wMS0wMVQyMTozNjo0MS4wMDBafDAx', 'x', '', 'c'.repeat(512), 'c'.repeat(513)],
  limit: ['1', '20', '100', '0', '101', '-1', '1.5', 'abc', '', ' 20 ', '0x10', '1e1', '020'],
  q: ['lighthouse', 'a b', '', 'q'.repeat(200), 'q'.repeat(201), '\uFE0F', '😀'.repeat(101)],
  provider: ['openai', '', 'p'.repeat(50), 'p'.repeat(51)],
  model: ['dall-e-2', 'm'.repeat(200), 'm'.repeat(201)],
  tag: ['featured', ' Featured ', '', '-bad', 'a/b', 't'.repeat(40), 't'.repeat(41), 'Émile'],
  from: [
    '2026-01-01T00:00:00.000Z',
    '2026-02-30T00:00:00.000Z',
    '2026-01-01',
    '2026-01-01T00:00:00Z',
    '2026-01-01T00:00:00.000+01:00',
    'soon',
    '',
  ],
  to: ['2030-12-31T23:59:59.999Z', '2026-13-01T00:00:00.000Z', '2026-01-01T24:00:00.000Z', ''],
  visibility: ['public', 'private', 'secret', ''],
  unknown: ['1'],
  // A field given twice arrives as an array.
  repeated: [['1', '2']],
};

/** Every one-field query, then random queries of up to five fields, half without a prototype. */
function* queries(count: number): Generator<Record<string, unknown>> {
  const fields = Object.keys(VALUES);
  for (const field of fields) for (const value of VALUES[field]) yield { [field]: value };
  const rng = new Rng(42);
  const next = () => rng.next();
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)];
  for (let i = 0; i < count; i++) {
    const query: Record<string, unknown> = next() < 0.5 ? Object.create(null) : {};
    for (let n = Math.floor(next() * 6); n > 0; n--) {
      const field = pick(fields);
      const name = field === 'repeated' ? pick(['limit', 'q', 'tag']) : field;
      query[name] = pick(VALUES[field]);
    }
    yield query;
  }
}

describe.each([ImageQueryDto, MyImageQueryDto] as Type[])('the fast check of %p', (dto) => {
  const general = createValidationPipe({ fastQueries: false });
  const pipe = createValidationPipe();
  const metadata = { type: 'query' as const, metatype: dto, data: undefined };

  it('is registered', () => {
    expect(hasQueryCheck(dto)).toBe(true);
  });

  it('accepts exactly what the general path accepts, and makes the same instance', async () => {
    let accepted = 0;
    let refused = 0;
    for (const query of queries(1500)) {
      const fast = checkQuery(dto, query);
      const outcome = await general.transform({ ...query }, metadata).then(
        (value: unknown) => ({ value }),
        (error: unknown) => ({ error }),
      );
      const allStrings = Object.values(query).every((value) => typeof value === 'string');
      if (fast) {
        expect(fast).toBeInstanceOf(dto);
        expect({ query, outcome }).toEqual({ query, outcome: { value: fast } });
        accepted++;
      } else {
        // Refused by the check: only because the general path refuses it too, or because it
        // holds a value that is not a string (left to the general path).
        expect({ query, accepted: 'value' in outcome && allStrings }).toEqual({
          query,
          accepted: false,
        });
        refused++;
      }
    }
    // The corpus has plenty of both.
    expect(accepted).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
  });

  it('leaves refusals to the general path, which names the field', async () => {
    await expect(pipe.transform({ limit: '0' }, metadata)).rejects.toMatchObject({
      errors: [{ field: 'limit' }],
    });
    await expect(pipe.transform({ nope: '1' }, metadata)).rejects.toMatchObject({
      errors: [{ field: 'nope' }],
    });
  });
});
