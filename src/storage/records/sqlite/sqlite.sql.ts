import type { PageRequest } from '../../../common/cursor.js';

/** Patch field → its column, and how its value is stored. */
export type PatchColumns<Patch> = {
  [K in keyof Patch]-?: [column: string, encode: (value: never) => unknown];
};

/**
 * The `SET` assignments of the fields `patch` sets (an `undefined` field leaves its column as it
 * is), each value bound as `@<prefix><column>`, with those values.
 */
export function patchAssignments<Patch extends object>(
  patch: Patch,
  columns: PatchColumns<Patch>,
  prefix = '',
): { sets: string[]; params: Record<string, unknown> } {
  const sets: string[] = [];
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch) as [keyof Patch, never][]) {
    if (value === undefined) continue;
    const [column, encode] = columns[key];
    sets.push(`${column} = @${prefix}${column}`);
    params[`${prefix}${column}`] = encode(value);
  }
  return { sets, params };
}

/**
 * One page of `table`, newest first: the rows matching every condition of `where` that come after
 * the page's cursor (keyset on `created_at`, `id`), at most `page.limit` of them. The parameters
 * bind the cursor and the limit; the caller adds those of its conditions.
 */
export function newestFirstPage(
  table: string,
  where: readonly string[],
  page: PageRequest,
): { sql: string; params: Record<string, unknown> } {
  const conditions = page.after
    ? [...where, '(created_at, id) < (@afterCreatedAt, @afterId)']
    : where;
  return {
    sql: `SELECT * FROM ${table} ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
          ORDER BY created_at DESC, id DESC LIMIT @limit`,
    params: { afterCreatedAt: page.after?.createdAt, afterId: page.after?.id, limit: page.limit },
  };
}
