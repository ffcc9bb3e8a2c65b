import { describe, expect, it } from '@jest/globals';
import { v4 as uuidv4 } from 'uuid';

import {
  decodeCursor,
  encodeCursor,
  readPage,
  toPage,
  type PageCursor,
  type PageRequest,
} from './cursor.js';
import { ValidationError } from './errors.js';
import { newId } from './ids.js';

function row(createdAt: string): PageCursor & { name: string } {
  return { createdAt, id: newId(), name: `row at ${createdAt}` };
}

/** The ValidationError `decodeCursor(value)` throws (fails the test when it does not throw one). */
function decodeError(value: string): ValidationError {
  try {
    decodeCursor(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error(`decodeCursor accepted ${JSON.stringify(value)}`);
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

describe('cursors', () => {
  it('decode to the position they were made from', () => {
    const position = { createdAt: '2026-11-05T10:20:30.123Z', id: newId() };

    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ['garbage', '%%% not a cursor %%%'],
    ['an empty string', ''],
    ['base64 of "x|y"', b64('x|y')],
    ['a non-UUIDv7 id', b64(`2026-11-05T10:20:30.123Z|${uuidv4()}`)],
    ['a bad date', b64(`yesterday|${newId()}`)],
    ['a date without milliseconds', b64(`2026-11-05T10:20:30Z|${newId()}`)],
    ['extra fields', b64(`2026-11-05T10:20:30.123Z|${newId()}|more`)],
  ])('refuse %s as a validation error on the cursor field', (_, value) => {
    expect(decodeError(value).errors[0].field).toBe('cursor');
  });
});

describe('toPage', () => {
  const rows = [
    row('2026-11-05T10:00:03.000Z'),
    row('2026-11-05T10:00:02.000Z'),
    row('2026-11-05T10:00:01.000Z'),
  ];
  const name = (r: { name: string }): string => r.name;

  it('has no next cursor when every row fits', () => {
    const page = toPage(rows, 3, name);

    expect(page.items).toEqual(rows.map(name));
    expect(page.nextCursor).toBeNull();
  });

  it('keeps limit items and points the next cursor at the last one when there are more rows', () => {
    const page = toPage(rows, 2, name);

    expect(page.items).toEqual([rows[0].name, rows[1].name]);
    expect(page.nextCursor).not.toBeNull();
    expect(decodeCursor(page.nextCursor!)).toEqual({
      createdAt: rows[1].createdAt,
      id: rows[1].id,
    });
  });

  it('gives an empty page without a cursor for no rows', () => {
    expect(toPage([], 10, name)).toEqual({ items: [], nextCursor: null });
  });
});

describe('readPage', () => {
  const rows = Array.from({ length: 45 }, (_, i) =>
    row(new Date(Date.UTC(2026, 10, 5, 10, 0, 45 - i)).toISOString()),
  );
  /** Rows newest first after the cursor, as every adapter's list answers. */
  const fetch = async ({ limit, after }: PageRequest) =>
    rows.filter((r) => !after || r.createdAt < after.createdAt).slice(0, limit);
  const name = (r: { name: string }): string => r.name;

  it('walks every row once, page by page, with 20 a page unless the client asks otherwise', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await readPage({ cursor }, fetch, name);
      seen.push(...page.items);
      sizes.push(page.items.length);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    expect(sizes).toEqual([20, 20, 5]);
    expect(seen).toEqual(rows.map(name));
    await expect(readPage({ limit: 45 }, fetch, name)).resolves.toMatchObject({
      nextCursor: null,
    });
  });

  it('refuses a cursor this API did not hand out', async () => {
    await expect(readPage({ cursor: 'bogus' }, fetch, name)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
