import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { StorageUnavailableError } from '../../src/common/errors.js';
import { JobsRepository } from '../../src/storage/records/jobs.repository.js';
import { RecordStore } from '../../src/storage/records/record-store.js';
import type { SqliteDatabase } from '../../src/storage/records/sqlite/sqlite.database.js';
import { UsersRepository } from '../../src/storage/records/users.repository.js';
import { makeJob, makeUser } from '../fixtures/records.js';
import { register, startApp, type Account, type TestApp } from '../support/app.js';
import { SpecConformance, type OpenApiDocument } from '../support/openapi.js';
import { readSse } from '../support/sse.js';

const PASSWORD = 'correct horse battery';

/** A 503 problem with Retry-After that says which store is down and names no path. */
function expectStoreDown(res: Response, store: 'record' | 'blob', dataDir: string): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status: 503,
    type: expect.stringContaining('application/problem+json'),
  });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.body).toMatchObject({ code: 'storage-unavailable' });
  expect(res.body.detail).toContain(`${store} store`);
  expectNoPath(res.body, dataDir);
}

function expectNoPath(body: unknown, dataDir: string): void {
  const text = JSON.stringify(body);
  expect(text).not.toContain(dataDir);
  expect(text).not.toMatch(/(^|[\s'"(=:])\/(tmp|var|srv|home|work|data)\//);
}

/** Writes a file of zeros until the file system refuses (ENOSPC): the disk is full. */
function fillDisk(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return file;
}

/** Mounts a small tmpfs at a fresh folder, where this process may (root, or a capable container). */
function tryMountTmpfs(size: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'image-forge-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

function unmount(dir: string): void {
  execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Issue 12, item 7: a full disk is a 503 with Retry-After on register and generate, readiness
 * blames the store that is full, and no answer (problem, readiness, a job's error) names a path.
 *
 * How the disk is made full:
 * - the database: SQLite's own page budget (`PRAGMA max_page_count` set to the current size on the
 *   app's connection, then the users and jobs tables filled through the ports until SQLite says
 *   SQLITE_FULL), which runs anywhere;
 * - the blob store: a file where its root folder should be (ENOTDIR), which runs anywhere;
 * - both for real: two small tmpfs mounts filled to ENOSPC, when this process may mount (root in
 *   a container that allows it); skipped otherwise.
 */
describe('disk full: the database (SQLite page budget)', () => {
  let t: TestApp;
  let user: Account;
  let spec: SpecConformance;
  let sqlite: SqliteDatabase;

  beforeAll(async () => {
    t = await startApp();
    user = await register(t.http);
    spec = new SpecConformance((await t.http.get('/docs-json')).body as OpenApiDocument);
    // The app's own connection: max_page_count is a setting of the connection.
    sqlite = t.app.get<RecordStore, { sqlite: SqliteDatabase }>(RecordStore).sqlite;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Creates records through `create` until the database refuses one as full. */
  async function fillUp(create: () => Promise<unknown>): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      try {
        await create();
      } catch (error) {
        expect(error).toBeInstanceOf(StorageUnavailableError);
        return;
      }
    }
    throw new Error('the database never filled up');
  }

  it('answers register and generate 503 with Retry-After, and readiness blames the record store', async () => {
    const pages = sqlite.db.pragma('page_count', { simple: true }) as number;
    sqlite.db.pragma(`max_page_count = ${pages}`);
    const users = t.app.get(UsersRepository);
    const jobs = t.app.get(JobsRepository);
    await fillUp(() => users.create(makeUser()));
    await fillUp(() => jobs.create(makeJob({ ownerId: user.id, status: 'succeeded' })));

    const registered = await t.http
      .post('/api/v1/auth/register')
      .send({ email: 'late@example.com', password: PASSWORD });
    expectStoreDown(registered, 'record', t.dataDir);
    spec.check(registered);

    const generated = await t.http.post('/api/v1/generations').set(user.auth).send({});
    expectStoreDown(generated, 'record', t.dataDir);
    spec.check(generated);

    const ready = await t.http.get('/health/ready').expect(503);
    expect(ready.body.detail).toContain('recordStore');
    expect(ready.body.detail).not.toContain('blobStore');
    expectNoPath(ready.body, t.dataDir);

    // Reads go on.
    await t.http.get('/api/v1/auth/me').set(user.auth).expect(200);
  });

  it('recovers once there is room again', async () => {
    sqlite.db.pragma('max_page_count = 1073741823');
    await t.http.get('/health/ready').expect(200);
    await t.http
      .post('/api/v1/auth/register')
      .send({ email: 'late@example.com', password: PASSWORD })
      .expect(201);
    await t.http.post('/api/v1/generations').set(user.auth).send({}).expect(202);
  });
});

describe('disk full: the blob store (a file where its folder should be)', () => {
  let t: TestApp;
  let user: Account;

  beforeAll(async () => {
    t = await startApp({ GENERATION_MAX_ATTEMPTS: '1' });
    user = await register(t.http);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('fails the job with a storage_error that names no path; readiness blames the blob store', async () => {
    const root = join(t.dataDir, 'blobs');
    mkdirSync(root, { recursive: true });
    renameSync(root, `${root}.away`);
    openSync(root, 'w');
    try {
      const ready = await t.http.get('/health/ready').expect(503);
      expect(ready.body.detail).toContain('blobStore');
      expect(ready.body.detail).not.toContain('recordStore');
      expectNoPath(ready.body, t.dataDir);

      const job = await t.http
        .post('/api/v1/generations')
        .set(user.auth)
        .send({ size: '256x256' })
        .expect(202);
      const stream = await readSse(t.app, `/api/v1/generations/${job.body.id}/events`, user.auth);
      const last = JSON.parse(stream.events.at(-1)!.data);
      expect(last).toMatchObject({ status: 'failed', error: { code: 'storage_error' } });
      expect(last.error.message).toContain('blob store');
      expectNoPath(last, t.dataDir);
      const read = await t.http.get(`/api/v1/generations/${job.body.id}`).set(user.auth);
      expectNoPath(read.body, t.dataDir);
    } finally {
      rmSync(root, { force: true });
      renameSync(`${root}.away`, root);
    }
  });
});

const dbDisk = tryMountTmpfs('8m');
const blobDisk = dbDisk ? tryMountTmpfs('8m') : null;
const onTmpfs = dbDisk && blobDisk ? describe : describe.skip;
if (!blobDisk && dbDisk) unmount(dbDisk);

onTmpfs('disk full: for real (tmpfs filled to ENOSPC)', () => {
  let t: TestApp;
  let user: Account;
  let spec: SpecConformance;

  beforeAll(async () => {
    t = await startApp({
      SQLITE_PATH: join(dbDisk!, 'image-forge.db'),
      BLOB_LOCAL_DIR: join(blobDisk!, 'blobs'),
      GENERATION_MAX_ATTEMPTS: '1',
      // The disks are tiny on purpose: readiness's free-space floor must sit below them, so that
      // what these tests see is the full disk, not the floor.
      MIN_FREE_DISK_BYTES: '1048576',
    });
    user = await register(t.http);
    spec = new SpecConformance((await t.http.get('/docs-json')).body as OpenApiDocument);
  });
  afterAll(async () => {
    await t?.close();
    unmount(dbDisk!);
    unmount(blobDisk!);
  });

  it('fails a job whose blobs find no room with a storage_error naming no path', async () => {
    const filler = fillDisk(blobDisk!);
    try {
      const ready = await t.http.get('/health/ready').expect(503);
      expect(ready.body.detail).toContain(
        'blobStore: The blob store is unavailable: the disk is full',
      );
      expect(ready.body.detail).not.toContain('recordStore');

      const job = await t.http
        .post('/api/v1/generations')
        .set(user.auth)
        .send({ size: '256x256' })
        .expect(202);
      const stream = await readSse(t.app, `/api/v1/generations/${job.body.id}/events`, user.auth);
      const last = JSON.parse(stream.events.at(-1)!.data);
      expect(last).toMatchObject({
        status: 'failed',
        error: {
          code: 'storage_error',
          message: 'Storing the image failed: The blob store is unavailable: the disk is full',
        },
      });
      expectNoPath(last, blobDisk!);
    } finally {
      rmSync(filler);
    }
    await t.http.get('/health/ready').expect(200);
  });

  it('answers register and generate 503 while the database’s disk is full', async () => {
    const filler = fillDisk(dbDisk!);
    try {
      const registered = await t.http
        .post('/api/v1/auth/register')
        .send({ email: 'full@example.com', password: PASSWORD });
      expectStoreDown(registered, 'record', dbDisk!);
      spec.check(registered);

      const generated = await t.http.post('/api/v1/generations').set(user.auth).send({});
      expectStoreDown(generated, 'record', dbDisk!);
      spec.check(generated);

      const ready = await t.http.get('/health/ready').expect(503);
      expect(ready.body.detail).toContain('recordStore');
      expect(ready.body.detail).not.toContain('blobStore');
    } finally {
      rmSync(filler);
    }
    await t.http.get('/health/ready').expect(200);
    await t.http
      .post('/api/v1/auth/register')
      .send({ email: 'full@example.com', password: PASSWORD })
      .expect(201);
  });
});
