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
import {
  SqliteImagesRepository,
  imageKeysSql,
  lookupThreshold,
  ownedItemsSql,
  publicItemsSql,
  type SearchPlan,
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
    const planOf = (query: ImageQuery, plan: SearchPlan) => {
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

  it('reads the same pages with either plan, and picks the plan by how many images match', async () => {
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
      // of 1 at most 5.
      const harbor = parseImageSearch('harbor')!;
      const beacon = parseImageSearch('beac')!;
      const anchor = parseImageSearch('anchor')!;
      expect(images.searchPlan({ search: harbor }, 21)).toBe('walk');
      expect(images.searchPlan({ search: beacon }, 21)).toBe('lookup');
      // 10 matches: counted up to 6 for a page of 1 (more than 5: walk), then again for 21.
      expect(images.searchPlan({ search: anchor }, 1)).toBe('walk');
      expect(images.searchPlan({ search: anchor }, 21)).toBe('lookup');

      const read = (query: ImageQuery, page: PageRequest, plan: SearchPlan) => {
        const { sql, params } = imageKeysSql(query, page, plan);
        return sqlite.db.prepare<[Record<string, unknown>], string>(sql).pluck().all(params);
      };
      for (const search of [harbor, beacon, anchor, parseImageSearch('dusk harb')!]) {
        for (const filter of [
          { visibility: 'public' as const },
          { ownerId: owner },
          { visibility: 'public' as const, from: at(20), to: at(150) },
        ]) {
          // Every page, by cursor, with each plan.
          const pages: Record<SearchPlan, string[][]> = { walk: [], lookup: [] };
          for (const plan of ['walk', 'lookup'] as const) {
            let after: PageRequest['after'];
            for (;;) {
              const page = read({ ...filter, search }, { limit: 7, after }, plan);
              pages[plan].push(page);
              if (page.length < 7) break;
              const [createdAt, id] = page[page.length - 1].split(' ');
              after = { createdAt, id };
            }
          }
          expect(pages.lookup).toEqual(pages.walk);
          expect(pages.walk.flat().length).toBeGreaterThan(0);
          // And the repository, whichever plan it picks, reads the same first page.
          const first = await images.listKeys(
            { ...filter, q: search.words.join(' ') },
            { limit: 7 },
          );
          expect(first.map((key) => `${key.createdAt} ${key.id}`)).toEqual(pages.walk[0]);
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
