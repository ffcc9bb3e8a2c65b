/**
 * The SQL the SQLite repositories share, run on a real in-memory SQLite database: a patch's
 * assignments, a newest-first page and its LIMIT.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';

import { limitOf, newestFirstPage, patchAssignments, type PatchColumns } from './sqlite.sql.js';

interface NotePatch {
  text?: string;
  pinned?: boolean;
}

const COLUMNS: PatchColumns<NotePatch> = {
  text: ['text', (v: string) => v],
  pinned: ['pinned', (v: boolean) => (v ? 1 : 0)],
};

describe('SQLite statements', () => {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE notes (id TEXT PRIMARY KEY, created_at TEXT, text TEXT, pinned INTEGER)`);
  const insert = db.prepare('INSERT INTO notes VALUES (?, ?, ?, 0)');
  for (const [id, at] of [
    ['a', '2026-01-01'],
    ['b', '2026-01-02'],
    ['c', '2026-01-02'],
    ['d', '2026-01-03'],
  ]) {
    insert.run(id, at, `note ${id}`);
  }
  afterAll(() => {
    db.close();
  });

  it('assigns the fields a patch sets, encoded, and leaves the others', () => {
    const { sets, params } = patchAssignments({ pinned: true, text: undefined }, COLUMNS, 'p_');
    db.prepare(`UPDATE notes SET ${sets.join(', ')} WHERE id = @id`).run({ ...params, id: 'a' });

    expect(sets).toEqual(['pinned = @p_pinned']);
    expect(db.prepare('SELECT text, pinned FROM notes WHERE id = ?').get('a')).toEqual({
      text: 'note a',
      pinned: 1,
    });
  });

  it('pages newest first by (created_at, id), after the cursor, under the conditions', () => {
    const page = (after?: { createdAt: string; id: string }, where: string[] = []) => {
      const { sql, params } = newestFirstPage('notes', where, { limit: 2, after });
      return (db.prepare(sql).all({ ...params, not: 'b' }) as { id: string }[]).map((r) => r.id);
    };

    expect(page()).toEqual(['d', 'c']);
    expect(page({ createdAt: '2026-01-02', id: 'c' })).toEqual(['b', 'a']);
    expect(page({ createdAt: '2026-01-02', id: 'c' }, ['id <> @not'])).toEqual(['a']);
  });

  it('writes a LIMIT into the SQL as a count, and refuses anything but a count', () => {
    expect(limitOf(21)).toBe('LIMIT 21');
    expect(limitOf(0)).toBe('LIMIT 0');
    for (const bad of [1.5, -1, Number.NaN, Infinity, '1; DROP TABLE notes' as unknown as number]) {
      expect(() => limitOf(bad)).toThrow(RangeError);
    }
    expect(
      db
        .prepare(`SELECT id FROM notes ORDER BY id ${limitOf(3)}`)
        .pluck()
        .all(),
    ).toEqual(['a', 'b', 'c']);
  });
});
