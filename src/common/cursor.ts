import { ValidationError } from './errors.js';
import { isId } from './ids.js';

/** Position of the last item of a page, for keyset pagination on (createdAt, id), newest first. */
export interface PageCursor {
  readonly createdAt: string;
  readonly id: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export interface PageRequest {
  readonly limit: number;
  readonly after?: PageCursor;
}

/** What a client asks for: at most `limit` items (20 when unset), after its `cursor`. */
export interface PageQuery {
  readonly limit?: number;
  readonly cursor?: string;
}

const DEFAULT_PAGE_SIZE = 20;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function isIsoInstant(value: string): boolean {
  if (!ISO.test(value)) return false;
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.toISOString() === value;
}

/** Cursors are opaque to clients: base64url of `createdAt|id`. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`, 'utf8').toString('base64url');
}

/** Parses a client's cursor, or throws a `ValidationError` naming the `cursor` field. */
export function decodeCursor(value: string, field = 'cursor'): PageCursor {
  const [createdAt, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !createdAt || !id || !isIsoInstant(createdAt) || !isId(id)) {
    throw ValidationError.field(field, 'is not a cursor this API returned');
  }
  return { createdAt, id };
}

/** Builds a page from `limit + 1` rows: the extra row only says whether there is a next page. */
export function toPage<T extends PageCursor, R>(
  rows: T[],
  limit: number,
  map: (row: T) => R,
): Page<R> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}

/**
 * A client's page, newest first: `fetch` is asked for one row more than the page holds, after the
 * client's cursor (a cursor this API did not hand out is a `ValidationError`), and each row of the
 * page is mapped with `map`.
 */
export async function readPage<T extends PageCursor, R>(
  query: PageQuery,
  fetch: (page: PageRequest) => Promise<T[]>,
  map: (row: T) => R,
): Promise<Page<R>> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  return toPage(await fetch({ limit: limit + 1, after }), limit, map);
}
