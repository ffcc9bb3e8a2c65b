import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { PageCursor, PageRequest } from '../common/cursor.js';
import type { GalleryConfig } from '../config/config-slices.js';
import type { ImageFilter } from '../storage/records/images.repository.js';
import { SqliteDatabase } from '../storage/records/sqlite/sqlite.database.js';
import { SqliteImagesRepository } from '../storage/records/sqlite/sqlite.images.repository.js';
import { makeImage } from '../../test/fixtures/records.js';
import { SearchKeys, within } from './search-keys.js';
import { Rng } from '../prompts/seeded-random.js';

const config: GalleryConfig = {
  pageCacheTtlMs: 60_000,
  pageCacheMaxBytes: 8 * 1024 * 1024,
  blobCacheMaxBytes: 0,
};

/**
 * The kept matches against the store itself (SQLite, the store they serve): every page under any
 * bounds must be the one the store lists.
 */
describe('SearchKeys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-forge-search-keys-'));
  let sqlite: SqliteDatabase;
  let store: SqliteImagesRepository;
  const base = Date.parse('2026-03-01T00:00:00.000Z');
  const rng = new Rng(7);
  const next = () => rng.next();
  /** Instants with ties (several images in one millisecond), so ids decide the order. */
  const instant = () => new Date(base + Math.floor(next() * 400) * 1000).toISOString();

  beforeAll(async () => {
    sqlite = new SqliteDatabase(join(dir, 'search.db'));
    store = new SqliteImagesRepository(sqlite);
    for (let i = 0; i < 600; i++) {
      const word = next() < 0.4 ? 'lighthouse at dusk' : 'harbour at dawn';
      await store.insert(
        makeImage({
          prompt: `${word} ${i}`,
          createdAt: instant(),
          visibility: next() < 0.2 ? 'private' : 'public',
        }),
      );
    }
  });

  afterAll(() => {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const filter: ImageFilter = { q: 'lighthouse', visibility: 'public' };

  /** Random bounds: none, `to`, `from`, a cursor taken from the store's own keys, and limits. */
  async function* bounds(count: number): AsyncGenerator<[ImageFilter, PageRequest]> {
    const all = await store.listKeys(filter, { limit: 1000 });
    const pick = () => all[Math.floor(next() * all.length)];
    for (let i = 0; i < count; i++) {
      const f: ImageFilter = {
        ...filter,
        to: next() < 0.5 ? pick().createdAt : undefined,
        from: next() < 0.3 ? pick().createdAt : undefined,
      };
      const after: PageCursor | undefined = next() < 0.5 ? pick() : undefined;
      yield [f, { limit: 1 + Math.floor(next() * 30), after }];
    }
  }

  it('lists every page exactly as the store does, under any bounds', async () => {
    const keys = new SearchKeys(store, config);
    let compared = 0;
    for await (const [f, page] of bounds(400)) {
      expect({ f, page, keys: await keys.listKeys(f, page) }).toEqual({
        f,
        page,
        keys: await store.listKeys(f, page),
      });
      compared++;
    }
    expect(compared).toBe(400);
  });

  it('keeps a search from its second ask, until cleared', async () => {
    const keys = new SearchKeys(store, config);
    const newest = () => keys.listKeys(filter, { limit: 1 });
    await newest();
    await newest(); // kept now
    const added = await store.insert(
      makeImage({ prompt: 'lighthouse keeper', createdAt: '2026-12-01T00:00:00.000Z' }),
    );
    expect((await newest())[0].id).not.toBe(added.id);
    keys.clear();
    await newest(); // asked before: kept again, with the new image
    expect((await newest())[0].id).toBe(added.id);
    await store.delete(added.id);
  });

  describe('past the freshness bound', () => {
    const briefly: GalleryConfig = { ...config, pageCacheTtlMs: 150 };
    const pastTheBound = () => new Promise((resolve) => setTimeout(resolve, 170));

    it('checks the kept matches against the change count instead of reading them again', async () => {
      const keys = new SearchKeys(store, briefly);
      const newest = () => keys.listKeys(filter, { limit: 1 });
      const first = await newest();
      await newest(); // kept now
      const reads = jest.spyOn(store, 'listKeys');
      const counts = jest.spyOn(store, 'changeCount');
      try {
        await pastTheBound();
        expect(await newest()).toEqual(first);
        await newest();
        expect(reads).not.toHaveBeenCalled();
        expect(counts).toHaveBeenCalledTimes(1); // once past the bound, then within it again
      } finally {
        reads.mockRestore();
        counts.mockRestore();
      }
    });

    it("reads them again after a change, another replica's too", async () => {
      const keys = new SearchKeys(store, briefly);
      const newest = () => keys.listKeys(filter, { limit: 1 });
      await newest();
      await newest(); // kept now
      const replica = new SqliteDatabase(join(dir, 'search.db'));
      try {
        const added = await new SqliteImagesRepository(replica).insert(
          makeImage({ prompt: 'lighthouse keeper', createdAt: '2026-12-02T00:00:00.000Z' }),
        );
        await pastTheBound();
        expect((await newest())[0].id).toBe(added.id);
        await store.delete(added.id);
        await pastTheBound();
        expect((await newest())[0].id).not.toBe(added.id);
      } finally {
        replica.close();
      }
    });
  });

  it('takes a search that matched too many to keep as still matching too many for a minute', async () => {
    class FewKept extends SearchKeys {
      protected override readonly maxKept = 100;
    }
    const keys = new FewKept(store, { ...config, pageCacheTtlMs: 150 });
    const newest = () => keys.listKeys(filter, { limit: 1 });
    await newest();
    await newest(); // found to match more than 100
    const reads = jest.spyOn(store, 'listKeys');
    const added = await store.insert(
      makeImage({ prompt: 'lighthouse keeper', createdAt: '2026-12-03T00:00:00.000Z' }),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 170));
      // Past the freshness bound, after a change: the page comes from the store (so it is
      // current), and the matches are not read again (that read asks for 101).
      expect((await newest())[0].id).toBe(added.id);
      expect(reads.mock.calls.map(([, page]) => page.limit)).toEqual([1]);
    } finally {
      reads.mockRestore();
      await store.delete(added.id);
    }
  });

  it('asks the store for anything but a search', async () => {
    const keys = new SearchKeys(store, config);
    const page = { limit: 5 };
    for (let i = 0; i < 3; i++) {
      expect(await keys.listKeys({ visibility: 'public' }, page)).toEqual(
        await store.listKeys({ visibility: 'public' }, page),
      );
    }
  });
});

describe('within', () => {
  const keys: PageCursor[] = [
    { createdAt: '2026-01-03T00:00:00.000Z', id: 'c' },
    { createdAt: '2026-01-02T00:00:00.000Z', id: 'b2' },
    { createdAt: '2026-01-02T00:00:00.000Z', id: 'b1' },
    { createdAt: '2026-01-01T00:00:00.000Z', id: 'a' },
  ];
  const ids = (list: PageCursor[]) => list.map((key) => key.id);

  it('starts after the cursor, ties broken by id, and stops at from and the limit', () => {
    expect(ids(within(keys, {}, { limit: 10 }))).toEqual(['c', 'b2', 'b1', 'a']);
    expect(ids(within(keys, {}, { limit: 10, after: keys[1] }))).toEqual(['b1', 'a']);
    expect(ids(within(keys, { to: '2026-01-02T00:00:00.000Z' }, { limit: 10 }))).toEqual(['a']);
    expect(ids(within(keys, { from: '2026-01-02T00:00:00.000Z' }, { limit: 10 }))).toEqual([
      'c',
      'b2',
      'b1',
    ]);
    expect(ids(within(keys, {}, { limit: 2 }))).toEqual(['c', 'b2']);
    expect(within([], {}, { limit: 2 })).toEqual([]);
  });
});
