/** What the list contracts check order and paging with: the ports' one order, and a client's paging. */
import type { PageCursor, PageRequest } from '../../../src/common/cursor.js';

export interface Keyed {
  readonly id: string;
  readonly createdAt: string;
}

/** The ports' order: createdAt descending, then id descending. */
function newestFirst(a: Keyed, b: Keyed): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  if (a.id !== b.id) return a.id < b.id ? 1 : -1;
  return 0;
}

export const idsOf = (rows: readonly { id: string }[]): string[] => rows.map((row) => row.id);

export const expectedOrder = (rows: readonly Keyed[]): string[] =>
  idsOf([...rows].sort(newestFirst));

/** Pages through `fetch` with the last row of each page as the cursor, as a client would. */
export async function collectPages<T extends Keyed>(
  fetch: (page: PageRequest) => Promise<T[]>,
  limit: number,
): Promise<T[][]> {
  const pages: T[][] = [];
  let after: PageCursor | undefined;
  for (let n = 0; n < 100; n++) {
    const rows = await fetch(after ? { limit, after } : { limit });
    pages.push(rows);
    if (rows.length < limit) return pages;
    const last = rows[rows.length - 1];
    after = { createdAt: last.createdAt, id: last.id };
  }
  throw new Error('paging never ended');
}

/** A fixed shuffle, so that insertion order never happens to be the expected order. */
export function shuffled<T>(items: readonly T[]): T[] {
  const order = items.map((_, i) => i).sort((a, b) => ((a * 5 + 3) % 7) - ((b * 5 + 3) % 7));
  return order.map((i) => items[i]);
}
