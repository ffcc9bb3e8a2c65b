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
 * `LIMIT n` with `n` written into the SQL, not bound as a parameter. The SQLite here (3.53) plans
 * with a bound LIMIT's value, so binding it again, which every call does, expires the statement
 * and it is compiled anew on every run (seen as `sqlite3Reprepare` under `sqlite3_step` in a
 * profile): a gallery page's key read cost three times as much under load. A statement is kept per
 * SQL text, so each page size makes one; `n` is checked to be a count.
 */
export function limitOf(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`LIMIT must be a count, not ${n}`);
  return `LIMIT ${n}`;
}

/**
 * One page of `table`, newest first: the rows matching every condition of `where` that come after
 * the page's cursor (keyset on `created_at`, `id`), at most `page.limit` of them (`limitOf`). The
 * parameters bind the cursor; the caller adds those of its conditions.
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
          ORDER BY created_at DESC, id DESC ${limitOf(page.limit)}`,
    params: { afterCreatedAt: page.after?.createdAt, afterId: page.after?.id },
  };
}
