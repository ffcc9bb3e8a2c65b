/**
 * What every in-memory repository shares: rows kept as copies (a caller that changes a record it
 * was given changes nothing stored, as with a database), and the ports' one order and keyset page.
 */
import type { PageRequest } from '../../../src/common/cursor.js';

export interface Row {
  readonly id: string;
  readonly createdAt: string;
}

export const copy = <T>(value: T): T => structuredClone(value);

/** Newest first: createdAt descending, then id descending. */
export function newestFirst(a: Row, b: Row): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** `rows` newest first, after `page.after`, at most `page.limit` of them, copied. */
export function pageOf<T extends Row>(rows: Iterable<T>, page: PageRequest): T[] {
  const { after } = page;
  return [...rows]
    .filter(
      (row) =>
        !after ||
        row.createdAt < after.createdAt ||
        (row.createdAt === after.createdAt && row.id < after.id),
    )
    .sort(newestFirst)
    .slice(0, page.limit)
    .map(copy);
}
