/**
 * MongoDB queries evaluated without a server, for the specs of the MongoDB adapter's queries (none
 * can run on our machines; the contract suite runs where MONGODB_URI is set). Filters are
 * evaluated over in-memory documents by `sift` (mongoose's own MongoDB-query matcher), sorts and
 * limits applied as MongoDB applies them; updates by a small applier of the operators the adapter
 * uses, with MongoDB's documented semantics.
 */
import type { QueryFilter, UpdateQuery } from 'mongoose';
import sift from 'sift';

import type { PageCursor } from '../../src/common/cursor.js';
import { parseImageSearch } from '../../src/storage/records/image-search.js';
import type { ImageFilter } from '../../src/storage/records/images.repository.js';
import type { ImageDoc } from '../../src/storage/records/mongo/mongo.documents.js';
import { imageListFilter, NEWEST_FIRST } from '../../src/storage/records/mongo/mongo.queries.js';

export type Sort = Readonly<Record<string, 1 | -1>>;

/** `find(filter).sort(sort).limit(limit)` over `docs`, as MongoDB answers it. */
export function find<T extends object>(
  docs: readonly T[],
  filter: QueryFilter<T> | null,
  sort: Sort = NEWEST_FIRST,
  limit = Infinity,
): T[] {
  if (filter === null) return [];
  const matches = docs.filter(sift.default(filter as never));
  const compare = (a: T, b: T) => {
    for (const [field, direction] of Object.entries(sort)) {
      const x = (a as Record<string, string>)[field];
      const y = (b as Record<string, string>)[field];
      if (x !== y) return (x < y ? -1 : 1) * direction;
    }
    return 0;
  };
  return matches.sort(compare).slice(0, limit);
}

/** Applies `$set`, `$inc` and `$min` as MongoDB does (`$min` sets a missing field). */
export function apply<T extends object>(doc: T, update: UpdateQuery<T>): T {
  const next = { ...doc } as Record<string, unknown>;
  for (const [field, value] of Object.entries(update.$set ?? {})) next[field] = value;
  for (const [field, by] of Object.entries(update.$inc ?? {})) {
    next[field] = ((next[field] as number | undefined) ?? 0) + (by as number);
  }
  for (const [field, value] of Object.entries(update.$min ?? {})) {
    if (next[field] === undefined || (value as string) < (next[field] as string)) {
      next[field] = value;
    }
  }
  for (const [field, condition] of Object.entries(update.$pull ?? {})) {
    // The adapter pulls by `{ $eq: value }` only.
    const { $eq: value } = condition as { $eq: unknown };
    next[field] = ((next[field] as unknown[] | undefined) ?? []).filter((item) => item !== value);
  }
  const known = new Set(['$set', '$inc', '$min', '$pull']);
  const unknown = Object.keys(update).filter((operator) => !known.has(operator));
  if (unknown.length > 0) throw new Error(`apply() does not model ${unknown.join(', ')}`);
  return next as T;
}

/** Pages through `fetch` with the last row of each page as the cursor, as a client would. */
export function collectPages<T extends { _id: string; createdAt: string }>(
  fetch: (after: PageCursor | undefined) => T[],
): string[][] {
  const pages: string[][] = [];
  let after: PageCursor | undefined;
  for (let n = 0; n < 100; n++) {
    const rows = fetch(after);
    if (rows.length === 0) return pages;
    pages.push(rows.map((row) => row._id));
    const last = rows[rows.length - 1];
    after = { createdAt: last.createdAt, id: last._id };
  }
  throw new Error('paging never ended');
}

export const ids = (docs: readonly { _id: string }[]) => docs.map((doc) => doc._id);

/** The filter an image list sends, `q` parsed as the port parses it; `null` when `q` has no word. */
export function imageFilter(filter: ImageFilter, after?: PageCursor): QueryFilter<ImageDoc> | null {
  const { q, ...query } = filter;
  const search = q === undefined ? undefined : parseImageSearch(q);
  return search === null ? null : imageListFilter({ ...query, search }, after);
}

/** `q` parsed, for a `q` that has words. */
export const parsed = (q: string) => parseImageSearch(q)!;
