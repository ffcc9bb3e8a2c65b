import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import ts from 'typescript';

import { newId } from '../../src/common/ids.js';
import { SqliteApiKeysRepository } from '../../src/storage/records/sqlite/sqlite.api-keys.repository.js';
import { SqliteDatabase } from '../../src/storage/records/sqlite/sqlite.database.js';
import { SEARCH_INDEX_BATCH } from '../../src/storage/records/sqlite/sqlite.search-index.js';
import {
  SqliteImagesRepository,
  imageKeysSql,
  lookupThreshold,
  ownedItemsSql,
  publicItemsSql,
  type SqlPlan,
} from '../../src/storage/records/sqlite/sqlite.images.repository.js';
import { parseImageSearch } from '../../src/storage/records/image-search.js';
import type { ImageQuery } from '../../src/storage/records/images.repository.js';
import type { PageRequest } from '../../src/common/cursor.js';
import { ITEM_FIELDS_LAYOUT, PUBLIC_ITEM_LAYOUT } from '../../src/gallery/dto/image.dto.js';
import { SqliteJobsRepository } from '../../src/storage/records/sqlite/sqlite.jobs.repository.js';
import { SqliteQuotaRepository } from '../../src/storage/records/sqlite/sqlite.quota.repository.js';
import { SqliteSchedulesRepository } from '../../src/storage/records/sqlite/sqlite.schedules.repository.js';
import { SqliteRecordStore } from '../../src/storage/records/sqlite/sqlite.record-store.js';
import { SqliteSessionsRepository } from '../../src/storage/records/sqlite/sqlite.sessions.repository.js';
import { SqliteUsersRepository } from '../../src/storage/records/sqlite/sqlite.users.repository.js';
import { at, makeImage, makeJob, makeUser } from '../fixtures/records.js';
import { describeRecordStoreContract, type RecordStoreFixture } from './records.contract.js';
import { makeSession } from './records/sessions.contract.js';

let dir: string;
let files = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'image-forge-sqlite-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function openFile(file: string): RecordStoreFixture {
  const sqlite = new SqliteDatabase(file);
  return {
    users: new SqliteUsersRepository(sqlite),
    jobs: new SqliteJobsRepository(sqlite),
    images: new SqliteImagesRepository(sqlite),
    schedules: new SqliteSchedulesRepository(sqlite),
    sessions: new SqliteSessionsRepository(sqlite),
    apiKeys: new SqliteApiKeysRepository(sqlite),
    quota: new SqliteQuotaRepository(sqlite),
    store: new SqliteRecordStore(sqlite),
    // A second replica is a second connection on the same file.
    replica: async () => openFile(file),
    close: async () => sqlite.close(),
  };
}

const newFile = () => join(dir, `records-${++files}.sqlite`);

describeRecordStoreContract('sqlite', async () => openFile(newFile()));

describe('sqlite record store', () => {
  let opened: RecordStoreFixture[];
  const open = (file: string) => {
    const fixture = openFile(file);
    opened.push(fixture);
    return fixture;
  };

  beforeEach(() => {
    opened = [];
  });

  afterEach(async () => {
    for (const fixture of opened) await fixture.close();
  });

  it('two replica processes racing on one file never claim the same job', async () => {
    const file = newFile();
    const seed = open(file);
    const all = Array.from({ length: 300 }, (_, i) => makeJob({ createdAt: at(i) }));
    for (const job of all) await seed.jobs.create(job);
    const lib = await compileForChildProcesses(join(dir, `lib-${newId()}`), [
      'storage/records/sqlite/sqlite.database.ts',
      'storage/records/sqlite/sqlite.jobs.repository.ts',
    ]);

    const byReplica = await raceReplicas(lib, file, 4);

    const claimedIds = byReplica.flat();
    expect(claimedIds).toHaveLength(all.length);
    expect(new Set(claimedIds).size).toBe(all.length);
    expect([...claimedIds].sort()).toEqual(all.map((job) => job.id).sort());
    for (const [r, ids] of byReplica.entries()) {
      for (const id of ids.slice(0, 5)) {
        await expect(seed.jobs.findById(id)).resolves.toMatchObject({
          status: 'running',
          workerId: `replica-${r}`,
          attempts: 1,
        });
      }
    }
  });

  it('keeps its data when the file is reopened, without re-running migrations', async () => {
    const file = newFile();
    const first = open(file);
    const user = makeUser({ email: 'ada@example.com' });
    const job = makeJob({ idempotencyKey: 'k' });
    const image = makeImage({ prompt: 'a lighthouse at dusk', tags: ['coast'] });
    await first.users.create(user);
    await first.jobs.create(job);
    await first.images.insert(image);
    const version = userVersion(file);
    await first.close();

    const second = open(file);

    expect(userVersion(file)).toBe(version);
    await expect(second.store.ping()).resolves.toBeUndefined();
    await expect(second.users.findByEmail('ADA@example.com')).resolves.toEqual(user);
    await expect(second.jobs.findById(job.id)).resolves.toEqual(job);
    await expect(second.jobs.create({ ...job, id: newId() })).resolves.toEqual({
      job,
      created: false,
    });
    await expect(second.images.list({ q: 'lighth' }, { limit: 10 })).resolves.toEqual([image]);
    await expect(second.images.list({ q: 'coast' }, { limit: 10 })).resolves.toEqual([image]);
  });

  it('shares its file with replicas of other versions during a rolling upgrade', async () => {
    const file = newFile();
    const current = open(file);
    const version = userVersion(file);
    const raw = (sql: string) => {
      const other = new Database(file);
      try {
        other.exec(sql);
      } finally {
        other.close();
      }
    };
    // An older replica starting on the file sets user_version back to the migrations it knows
    // (versions before this rule did): this version's boot must apply its own again, unharmed.
    raw(`PRAGMA user_version = ${version - 1}`);
    const again = open(file);
    expect(userVersion(file)).toBe(version);
    await expect(again.store.ping()).resolves.toBeUndefined();
    // A newer replica migrated further: this version leaves the file's version as it is.
    raw(`PRAGMA user_version = ${version + 1}`);
    open(file);
    expect(userVersion(file)).toBe(version + 1);
    await expect(current.sessions.prune(at(100))).resolves.toBe(0);
  });

  it("counts every change to images, whichever replica makes it, and nothing else's", async () => {
    const file = newFile();
    const one = open(file);
    const other = open(file);
    const counts: (number | undefined)[] = [await one.images.changeCount()];
    const count = async () => {
      const seen = await other.images.changeCount();
      expect(await one.images.changeCount()).toBe(seen);
      counts.push(seen);
    };
    const image = makeImage();
    await one.images.insert(image);
    await count();
    await other.images.update(image.id, { visibility: 'private' });
    await count();
    await one.images.update(image.id, { tags: ['coast'] });
    await count();
    await other.jobs.create(makeJob());
    await other.users.create(makeUser());
    await count();
    await one.images.delete(image.id);
    await count();

    expect(counts).toEqual([0, 1, 2, 3, 3, 4]);
  });

  it('prunes sessions in batches until none is left to prune, letting the event loop run between', async () => {
    const { sessions } = open(newFile());
    // More than one batch of each kind: 5,000 expired tokens, 120 ended families of 3 tokens.
    const expired = Array.from({ length: 5000 }, () => makeSession({ expiresAt: at(50) }));
    const ended = Array.from({ length: 120 }, () => newId()).flatMap((familyId) =>
      [10, 20, 30].map((t) => makeSession({ familyId, createdAt: at(t), revokedAt: at(40) })),
    );
    const kept = [makeSession({ expiresAt: at(500) })];
    for (const session of [...expired, ...ended, ...kept]) await sessions.create(session);
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);

    const removed = await sessions.prune(at(100)).finally(() => clearInterval(ticking));

    expect(removed).toBe(5000 + 360);
    expect(turns).toBeGreaterThan(0);
    await expect(sessions.prune(at(100))).resolves.toBe(0);
    await expect(sessions.findByTokenHash(kept[0].tokenHash)).resolves.toEqual(kept[0]);
    await expect(sessions.isFamilyRevoked(ended[0].familyId)).resolves.toBe(false);
  });
});

function userVersion(file: string): number {
  const probe = new SqliteDatabase(file);
  try {
    return probe.db.pragma('user_version', { simple: true }) as number;
  } finally {
    probe.close();
  }
}

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/**
 * Transpiles `entries` (paths under src/) and the modules they import at run time to CommonJS
 * under `outDir`, so that plain `node` child processes can load the real adapter.
 */
async function compileForChildProcesses(outDir: string, entries: string[]): Promise<string> {
  const done = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (done.has(file)) return;
    done.add(file);
    const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    const out = join(outDir, relative(SRC, file).replace(/\.ts$/, '.js'));
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, outputText);
    for (const [, specifier] of outputText.matchAll(/require\("(\.{1,2}\/[^"]+)\.js"\)/g)) {
      await visit(resolve(dirname(file), `${specifier}.ts`));
    }
  };
  for (const entry of entries) await visit(join(SRC, entry));
  await writeFile(join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
  return outDir;
}

/** A replica: opens the file, says "ready", waits for "go", then claims until none is left. */
const REPLICA = `
const [lib, file, workerId] = process.argv.slice(1);
const { SqliteDatabase } = require(lib + '/storage/records/sqlite/sqlite.database.js');
const { SqliteJobsRepository } = require(lib + '/storage/records/sqlite/sqlite.jobs.repository.js');
const sqlite = new SqliteDatabase(file);
const jobs = new SqliteJobsRepository(sqlite);
process.stdout.write('ready\\n');
process.stdin.once('data', async () => {
  const claimed = [];
  for (;;) {
    const job = await jobs.claimNext(workerId, '${at(10_000)}');
    if (!job) break;
    claimed.push(job.id);
  }
  sqlite.close();
  process.stdout.write(JSON.stringify(claimed) + '\\n');
  process.exit(0);
});
`;

/** Starts `count` replica processes on `file`, lets them loose together, returns their claims. */
async function raceReplicas(lib: string, file: string, count: number): Promise<string[][]> {
  const children = Array.from({ length: count }, (_, r) => {
    const child = spawn(process.execPath, ['-e', REPLICA, lib, file, `replica-${r}`], {
      env: { ...process.env, NODE_OPTIONS: '', NODE_PATH: resolve(SRC, '../node_modules') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = new Promise<void>((resolveReady, reject) => {
      const onData = () => {
        if (stdout.includes('ready\n')) {
          child.stdout.off('data', onData);
          resolveReady();
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) => reject(new Error(`replica ${r} exited (${code}): ${stderr}`)));
    });
    const claimed = new Promise<string[]>((resolveClaimed, reject) => {
      child.once('exit', (code) => {
        if (code !== 0) return reject(new Error(`replica ${r} failed (${code}): ${stderr}`));
        resolveClaimed(JSON.parse(stdout.slice(stdout.indexOf('\n') + 1)) as string[]);
      });
    });
    claimed.catch(() => undefined); // reported through Promise.all below
    return { child, ready, claimed };
  });
  await Promise.all(children.map(({ ready }) => ready));
  for (const { child } of children) child.stdin.end('go\n');
  return Promise.all(children.map(({ claimed }) => claimed));
}

describe('sqlite images: query plans', () => {
  it("publicItems looks each id up by id, not by walking every public image's index entry", () => {
    const sqlite = new SqliteDatabase(newFile());
    try {
      const plan = sqlite.db
        .prepare<[string], { detail: string }>(
          `EXPLAIN QUERY PLAN ${publicItemsSql(PUBLIC_ITEM_LAYOUT)}`,
        )
        .all('[]')
        .map((step) => step.detail);

      expect(plan).toContain('SEARCH images USING INDEX sqlite_autoindex_images_1 (id=?)');
      expect(plan.join('\n')).not.toContain('images_visibility_newest');
    } finally {
      sqlite.close();
    }
  });

  it('a search with few matches looks them up by rowid; one with many walks the newest-first index', () => {
    const sqlite = new SqliteDatabase(newFile());
    const planOf = (query: ImageQuery, plan: SqlPlan) => {
      const { sql, params } = imageKeysSql(query, { limit: 21 }, plan);
      return sqlite.db
        .prepare<[Record<string, unknown>], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(params)
        .map((step) => step.detail)
        .join('\n');
    };
    try {
      const search = parseImageSearch('lighthouse')!;
      for (const filter of [{ visibility: 'public' as const }, { ownerId: newId() }]) {
        const lookup = planOf({ ...filter, search }, 'lookup');
        expect(lookup).toContain('SEARCH images USING INTEGER PRIMARY KEY (rowid=?)');
        expect(lookup).not.toMatch(/images_(visibility|owner)_newest/);
        expect(planOf({ ...filter, search }, 'walk')).toMatch(/images_(visibility|owner)_newest/);
      }
    } finally {
      sqlite.close();
    }
  });

  it('lookupThreshold balances looking matches up against walking the index for them', () => {
    // A page of 21 at 1M images: about a thousand matches; the 50,001 keys kept for a search:
    // a whole walk's worth (rows / 20).
    expect(lookupThreshold(21, 1_000_000)).toBe(1025);
    expect(lookupThreshold(50_001, 1_000_000)).toBe(50_000);
    expect(lookupThreshold(21, 100_000)).toBe(325);
    expect(lookupThreshold(21, 0)).toBe(0);
  });

  it('reads the same pages with every plan, and picks the plan by how many images match', async () => {
    const sqlite = new SqliteDatabase(newFile());
    const images = new SqliteImagesRepository(sqlite);
    const owner = newId();
    try {
      // 400 images, two a second (ids break ties): "harbor" in every 2nd, "anchor" in every
      // 40th, "beacon" in every 97th; every 3rd private, every 5th the owner's.
      for (let i = 0; i < 400; i++) {
        const words = [i % 2 === 0 ? 'harbor' : 'field', i % 97 === 0 ? 'beacon' : 'stone'];
        if (i % 40 === 0) words.push('anchor');
        await images.insert(
          makeImage({
            prompt: `a ${words.join(' ')} at dusk`,
            visibility: i % 3 === 0 ? 'private' : 'public',
            ownerId: i % 5 === 0 ? owner : newId(),
            createdAt: at(Math.floor(i / 2)),
          }),
        );
      }
      // 400 rows: a page of 21 looks up at most ceil(sqrt(21 × 400 / 20)) = 21 matches, a page
      // of 1 at most 5. More: chunks of the index (the prefix index is built: a new file).
      const harbor = parseImageSearch('harbor')!;
      const beacon = parseImageSearch('beac')!;
      const anchor = parseImageSearch('anchor')!;
      expect(images.searchPlan({ search: harbor }, 21)).toBe('chunks');
      expect(images.searchPlan({ search: beacon }, 21)).toBe('lookup');
      // 10 matches: counted up to 6 for a page of 1 (more than 5: chunks), then again for 21.
      expect(images.searchPlan({ search: anchor }, 1)).toBe('chunks');
      expect(images.searchPlan({ search: anchor }, 21)).toBe('lookup');

      const searches = [harbor, beacon, anchor, parseImageSearch('dusk harb')!];
      const pagesOf = (read: (page: PageRequest) => string[]) => {
        const pages: string[][] = [];
        let after: PageRequest['after'];
        for (;;) {
          const page = read({ limit: 7, after });
          pages.push(page);
          if (page.length < 7) return pages;
          const [createdAt, id] = page[page.length - 1].split(' ');
          after = { createdAt, id };
        }
      };
      for (const search of searches) {
        for (const filter of [
          { visibility: 'public' as const },
          { ownerId: owner },
          { visibility: 'public' as const, from: at(20), to: at(150) },
        ]) {
          // Every page, by cursor, with each plan.
          const query = { ...filter, search };
          const walk = pagesOf((page) => images.readKeys(query, page, 'walk'));
          for (const plan of ['lookup', 'chunks'] as const) {
            expect(pagesOf((page) => images.readKeys(query, page, plan))).toEqual(walk);
          }
          expect(walk.flat().length).toBeGreaterThan(0);
          // And the repository, whichever plan it picks, reads the same first page, as keys and
          // as records.
          const q = search.words.join(' ');
          const first = await images.listKeys({ ...filter, q }, { limit: 7 });
          expect(first.map((key) => `${key.createdAt} ${key.id}`)).toEqual(walk[0]);
          const records = await images.list({ ...filter, q }, { limit: 7 });
          expect(records.map((image) => `${image.createdAt} ${image.id}`)).toEqual(walk[0]);
        }
      }
    } finally {
      sqlite.close();
    }
  });

  it('reads the same pages in chunks where creation instants do not follow insertion', async () => {
    const sqlite = new SqliteDatabase(newFile());
    const images = new SqliteImagesRepository(sqlite);
    try {
      // Imported images: inserted in one order, created in a shuffled one, so that each chunk of
      // the newest-first index spans most rowids and the chunks' budget runs out (then `walk`
      // reads the rest of the page).
      const order = Array.from({ length: 600 }, (_, i) => (i * 389) % 600);
      for (const [i, instant] of order.entries()) {
        await images.insert(
          makeImage({
            prompt: i % 10 === 0 ? 'a quiet harbor' : 'a stone field',
            visibility: 'public',
            createdAt: at(instant),
          }),
        );
      }
      const query = { visibility: 'public' as const, search: parseImageSearch('harb')! };
      // A page of 30 in chunks of 64 and 128 (6 and 13 matches, each chunk spanning ~600
      // rowids: the budget of 2 × 600), then `walk` for the last 11.
      for (const limit of [1, 7, 30, 45]) {
        const walk = images.readKeys(query, { limit }, 'walk');
        expect(walk).toHaveLength(limit);
        expect(images.readKeys(query, { limit }, 'chunks')).toEqual(walk);
        const [createdAt, id] = walk[walk.length - 1].split(' ');
        const next = { limit, after: { createdAt, id } };
        expect(images.readKeys(query, next, 'chunks')).toEqual(
          images.readKeys(query, next, 'walk'),
        );
      }
    } finally {
      sqlite.close();
    }
  });

  it("reads the same pages in chunks of an owner's images spread among everyone's", async () => {
    const sqlite = new SqliteDatabase(newFile());
    const images = new SqliteImagesRepository(sqlite);
    const owner = newId();
    try {
      // 3,000 images, the owner's every 100th: a chunk of their 30 spans ~2,900 rowids (more than
      // 64 a row), so a search whose last word the prefix index holds asks about each row.
      for (let i = 0; i < 3000; i++) {
        await images.insert(
          makeImage({
            prompt: i % 3 === 0 ? 'a harbor at dusk' : 'a stone field',
            ownerId: i % 100 === 0 ? owner : newId(),
            createdAt: at(i),
          }),
        );
      }
      for (const q of ['har', 'ha', 'harbor', 'a st']) {
        const query = { ownerId: owner, search: parseImageSearch(q)! };
        for (const limit of [1, 4, 20]) {
          const walk = images.readKeys(query, { limit }, 'walk');
          expect(walk.length).toBeGreaterThan(0);
          expect(images.readKeys(query, { limit }, 'chunks')).toEqual(walk);
        }
      }
    } finally {
      sqlite.close();
    }
  });

  it("ownedItems looks each id up by id, not by walking the owner's index entries", () => {
    const sqlite = new SqliteDatabase(newFile());
    try {
      const plan = sqlite.db
        .prepare<[string, string], { detail: string }>(
          `EXPLAIN QUERY PLAN ${ownedItemsSql(ITEM_FIELDS_LAYOUT)}`,
        )
        .all('[]', 'owner')
        .map((step) => step.detail);

      expect(plan).toContain('SEARCH images USING INDEX sqlite_autoindex_images_1 (id=?)');
      expect(plan.join('\n')).not.toContain('images_owner_newest');
    } finally {
      sqlite.close();
    }
  });
});

/** The words the build tests' prompts are made of: many share their first letters. */
const WORDS = ['lighthouse', 'light', 'lantern', 'harbor', 'harvest', 'stone', 'storm', 'a', 'of'];

function promptOf(i: number): string {
  return [0, 1, 2].map((k) => WORDS[(i * (k + 3) + k) % WORDS.length]).join(' ');
}

/** Searches whose matches the build tests compare between the two full-text indexes. */
const MATCHES = [
  '"a"*',
  '"l"*',
  '"li"*',
  '"har"*',
  '"light"*',
  '"storm"',
  '"harbor" "l"*',
  '"tag"*',
];

/**
 * A file as the fourth migration left it (the prefix index is the fifth), holding `count` images:
 * what a service upgraded to this version opens.
 */
function fourthVersionFile(count: number): string {
  const file = newFile();
  const sqlite = new SqliteDatabase(file);
  const images = new SqliteImagesRepository(sqlite);
  for (let i = 0; i < count; i++) {
    void images.insert(makeImage({ prompt: promptOf(i), createdAt: at(i), tags: [`tag${i % 4}`] }));
  }
  sqlite.db.exec(`
    DROP TRIGGER images_fts_prefix_insert;
    DROP TRIGGER images_fts_prefix_delete;
    DROP TRIGGER images_fts_prefix_update;
    DROP TABLE images_fts_prefix;
    DROP TABLE images_fts_prefix_build;
    PRAGMA user_version = 4;
  `);
  sqlite.close();
  return file;
}

/** The rowids each of `MATCHES` finds in `table`, at or below `upto`. */
function matchesIn(sqlite: SqliteDatabase, table: string, upto = Number.MAX_SAFE_INTEGER) {
  const find = sqlite.db
    .prepare<[string, number], number>(
      `SELECT rowid FROM ${table} WHERE ${table} MATCH ? AND rowid <= ? ORDER BY rowid`,
    )
    .pluck();
  return MATCHES.map((match) => find.all(match, upto));
}

describe('sqlite images: the prefix search index on a file that had images', () => {
  let opened: SqliteDatabase[];
  const open = (file: string) => {
    const sqlite = new SqliteDatabase(file);
    opened.push(sqlite);
    return sqlite;
  };
  const builtUpto = (sqlite: SqliteDatabase) =>
    sqlite.db.prepare('SELECT built_upto FROM images_fts_prefix_build').pluck().get() as number;

  beforeEach(() => {
    opened = [];
  });

  afterEach(() => {
    for (const sqlite of opened) sqlite.close();
  });

  it('is built in batches by two replicas while both write, and then matches the old index', async () => {
    const file = fourthVersionFile(60);
    const one = open(file);
    const other = open(file);
    const [images, replica] = [one, other].map((db) => new SqliteImagesRepository(db));
    const search = parseImageSearch('li')!;
    // Until it is built, searches read the old index, and do not read it in chunks.
    expect(one.searchIndex.isDone()).toBe(false);
    expect(images.searchPlan({ search }, 1)).toBe('walk');
    const before = await images.listKeys({ q: 'li' }, { limit: 50 });

    // Writes on both sides of where the build has got to, between batches of 7 by either replica:
    // new images (above it), a tag change and a delete below it and above it, and the newest
    // image deleted and another inserted in its place (its rowid used again).
    const ids = (await images.listKeys({}, { limit: 100 })).map((key) => key.id).reverse();
    const writes = [
      () => images.insert(makeImage({ prompt: 'a storm light', createdAt: at(100) })),
      () => replica.update(ids[3], { tags: ['lit', 'harbor'] }),
      () => images.update(ids[40], { tags: ['lantern'] }),
      () => replica.delete(ids[5]),
      () => images.delete(ids[50]),
      async () => {
        const newest = await images.listKeys({}, { limit: 1 });
        await replica.delete(newest[0].id);
        await replica.insert(makeImage({ prompt: 'harbor stone', createdAt: at(101) }));
      },
      () => replica.insert(makeImage({ prompt: 'lighthouse of a storm', createdAt: at(102) })),
    ];
    let steps = 0;
    for (let more = true; more; steps++) {
      await writes[steps % writes.length]();
      more = [one, other][steps % 2].searchIndex.step(7);
      // What is built so far is exactly what the old index holds up to there.
      const upto = builtUpto(one);
      expect(matchesIn(one, 'images_fts_prefix')).toEqual(matchesIn(one, 'images_fts', upto));
    }

    expect(steps).toBeGreaterThan(8);
    for (const sqlite of [one, other]) {
      expect(sqlite.searchIndex.isDone()).toBe(true);
      sqlite.db.exec(
        `INSERT INTO images_fts_prefix (images_fts_prefix, rank) VALUES ('integrity-check', 1)`,
      );
      expect(matchesIn(sqlite, 'images_fts_prefix')).toEqual(matchesIn(sqlite, 'images_fts'));
    }
    expect(matchesIn(one, 'images_fts_prefix').every((found) => found.length > 0)).toBe(true);
    // Built, a dense search reads it in chunks, and after more writes it still matches.
    expect(images.searchPlan({ search }, 1)).toBe('chunks');
    for (const write of writes) await write();
    one.db.exec(
      `INSERT INTO images_fts_prefix (images_fts_prefix, rank) VALUES ('integrity-check', 1)`,
    );
    expect(before.length).toBeGreaterThan(20);
  });

  it('builds in the background from start(), stops when closed, and the next start resumes', async () => {
    const count = SEARCH_INDEX_BATCH * 2 + 10;
    const file = fourthVersionFile(count);
    const first = new SqliteDatabase(file);
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    try {
      const building = first.searchIndex.start();
      // One batch ran before start() returned; closing stops the build before the next.
      expect(builtUpto(first)).toBe(SEARCH_INDEX_BATCH);
      first.close();
      await building;

      const second = open(file);
      expect(builtUpto(second)).toBe(SEARCH_INDEX_BATCH);
      expect(second.searchIndex.isDone()).toBe(false);
      await second.searchIndex.start();

      expect(second.searchIndex.isDone()).toBe(true);
      expect(turns).toBeGreaterThan(0);
      second.db.exec(
        `INSERT INTO images_fts_prefix (images_fts_prefix, rank) VALUES ('integrity-check', 1)`,
      );
      expect(matchesIn(second, 'images_fts_prefix')).toEqual(matchesIn(second, 'images_fts'));
      const images = new SqliteImagesRepository(second);
      await expect(images.listKeys({ q: 'tag3' }, { limit: count })).resolves.toHaveLength(
        Math.ceil((count - 3) / 4),
      );
    } finally {
      clearInterval(ticking);
    }
  });

  it('a new file has it built from the start', () => {
    const sqlite = open(newFile());
    expect(sqlite.searchIndex.isDone()).toBe(true);
  });
});
