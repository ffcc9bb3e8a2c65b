import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { FrontDoor } from '../../src/common/front-door.js';
import { LocalBlobStore } from '../../src/storage/blobs/local.blob-store.js';
import { SqliteDatabase } from '../../src/storage/records/sqlite/sqlite.database.js';
import { SqliteImagesRepository } from '../../src/storage/records/sqlite/sqlite.images.repository.js';
import type { ImageRecord } from '../../src/domain/records.js';
import { makeImage } from '../fixtures/records.js';
import { register, startApp, type Account, type TestApp } from '../support/app.js';
import { sleep } from '../support/wait.js';

/** The freshness bound under test (the default). */
const TTL_MS = 1000;
/** What a check may add to it: the poll interval and a loaded machine's scheduling (see `until`). */
const SLACK_MS = 250;
const PAGE = '/api/v1/images?limit=50';

/**
 * The gallery's page cache on two replicas sharing one store (one SQLite file): a change made
 * anywhere shows on every replica within GALLERY_CACHE_TTL_MS, on the replica that made it at
 * once; no one is ever served a page built for someone else; ETags answer 304.
 */
describe('e2e: gallery page cache across replicas', () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-forge-page-cache-'));
  let a: TestApp;
  let b: TestApp;
  let sqlite: SqliteDatabase;
  let store: SqliteImagesRepository;
  let owner: Account;
  let other: Account;
  let createdAt = Date.parse('2026-06-01T00:00:00.000Z');

  beforeAll(async () => {
    a = await startApp({ GALLERY_CACHE_TTL_MS: String(TTL_MS) }, dir);
    b = await startApp({ GALLERY_CACHE_TTL_MS: String(TTL_MS) }, dir);
    sqlite = new SqliteDatabase(join(dir, 'image-forge.db'));
    store = new SqliteImagesRepository(sqlite);
    owner = await register(a.http);
    other = await register(a.http);
  });

  afterAll(async () => {
    sqlite.close();
    await a.close({ keepData: true });
    await b.close({ keepData: true });
    rmSync(dir, { recursive: true, force: true });
  });

  /** An image written straight to the shared store, as another replica's job would. */
  async function insert(overrides: Partial<ImageRecord> = {}): Promise<ImageRecord> {
    createdAt += 1000;
    return store.insert(
      makeImage({ ownerId: owner.id, createdAt: new Date(createdAt).toISOString(), ...overrides }),
    );
  }

  async function ids(app: TestApp, url = PAGE, auth?: Account): Promise<string[]> {
    const response = await app.http
      .get(url)
      .set(auth ? auth.auth : {})
      .expect(200);
    return (response.body as { items: { id: string }[] }).items.map((item) => item.id);
  }

  /**
   * Polls `app` until `done(ids)`; returns how long after `since` the last poll that still got
   * the old page was sent (0 if none did): a stale answer proves the page stale when its request
   * was sent, not when the answer arrived. The apps share this process with the test, so on a
   * loaded machine an answer can arrive a few hundred ms after it was made; counted from
   * arrival, that wait read as staleness.
   */
  async function until(
    app: TestApp,
    done: (ids: string[]) => boolean,
    since: number,
    url = PAGE,
    auth?: Account,
  ): Promise<number> {
    let staleSent = since;
    while (Date.now() - since < TTL_MS + 5000) {
      const sent = Date.now();
      if (done(await ids(app, url, auth))) return staleSent - since;
      staleSent = sent;
      await sleep(25);
    }
    throw new Error('never became fresh');
  }

  it('shows a new public image on every replica within the TTL (its cached page first)', async () => {
    // Asked twice: a page is cached from its second ask (one-off queries are not kept).
    for (const app of [a, b, a, b]) await ids(app);
    const changed = Date.now();
    const image = await insert();

    // Both replicas had the page cached: it is served as it was until it expires.
    expect(await ids(b)).not.toContain(image.id);
    const latencies = await Promise.all(
      [a, b].map((app) => until(app, (list) => list.includes(image.id), changed)),
    );
    for (const latency of latencies) expect(latency).toBeLessThanOrEqual(TTL_MS + SLACK_MS);
  });

  it('keeps a search as fresh as a page: a new match shows, a withdrawn one goes, within the TTL', async () => {
    const search = `${PAGE}&q=beacon`;
    const first = await insert({ prompt: 'a beacon on the cliff' });
    // Asked twice on each replica with other bounds each time: its matches are kept from then on.
    for (const [app, i] of [a, b, a, b].map((each, n) => [each, n] as const)) {
      await ids(app, `${search}&to=2999-01-0${i + 1}T00:00:00.000Z`);
    }
    expect(await ids(b, search)).toContain(first.id);

    const added = Date.now();
    const second = await insert({ prompt: 'another beacon' });
    const latencies = await Promise.all(
      [a, b].map((app) => until(app, (list) => list.includes(second.id), added, search)),
    );
    for (const latency of latencies) expect(latency).toBeLessThanOrEqual(TTL_MS + SLACK_MS);

    const withdrawn = Date.now();
    await a.http
      .patch(`/api/v1/images/${first.id}`)
      .set(owner.auth)
      .send({ visibility: 'private' })
      .expect(200);
    expect(await ids(a, search)).not.toContain(first.id);
    const latency = await until(b, (list) => !list.includes(first.id), withdrawn, search);
    expect(latency).toBeLessThanOrEqual(TTL_MS + SLACK_MS);
  });

  it('hides an image made private at once on the replica that changed it, within the TTL on the other', async () => {
    const image = await insert();
    await until(b, (list) => list.includes(image.id), Date.now());
    await until(a, (list) => list.includes(image.id), Date.now());

    const changed = Date.now();
    await a.http
      .patch(`/api/v1/images/${image.id}`)
      .set(owner.auth)
      .send({ visibility: 'private' })
      .expect(200);

    expect(await ids(a)).not.toContain(image.id);
    const latency = await until(b, (list) => !list.includes(image.id), changed);
    expect(latency).toBeLessThanOrEqual(TTL_MS + SLACK_MS);
  });

  it('stops serving the bytes of an image made private: at once where changed, within the TTL elsewhere', async () => {
    const image = await insert();
    // The record is kept once its bytes are asked (the blob itself is missing here: a 404 that
    // says so, after access was granted; made private, it is the plain 404 of a hidden image).
    const status = async (app: TestApp) =>
      (await app.http.get(`/api/v1/images/${image.id}/thumbnail`)).body as { detail?: string };
    for (const app of [a, b]) expect((await status(app)).detail).toMatch(/content is missing/);

    const changed = Date.now();
    await a.http
      .patch(`/api/v1/images/${image.id}`)
      .set(owner.auth)
      .send({ visibility: 'private' })
      .expect(200);
    expect((await status(a)).detail).toBe('No such image');
    for (;;) {
      const sent = Date.now();
      if (!/content is missing/.test((await status(b)).detail ?? '')) break;
      expect(sent - changed).toBeLessThanOrEqual(TTL_MS + SLACK_MS);
      await sleep(25);
    }
    expect((await status(b)).detail).toBe('No such image');
  });

  it('drops a deleted image at once where it was deleted, within the TTL on the other replica', async () => {
    const image = await insert();
    await until(b, (list) => list.includes(image.id), Date.now());
    await until(a, (list) => list.includes(image.id), Date.now());

    const changed = Date.now();
    await a.http.delete(`/api/v1/images/${image.id}`).set(owner.auth).expect(204);

    expect(await ids(a)).not.toContain(image.id);
    const latency = await until(b, (list) => !list.includes(image.id), changed);
    expect(latency).toBeLessThanOrEqual(TTL_MS + SLACK_MS);
  });

  it('never puts a private image in an anonymous page, nor one user’s page in another’s', async () => {
    const secret = await insert({ visibility: 'private' });
    const others = await insert({ ownerId: other.id, visibility: 'private' });
    const mine = '/api/v1/me/images?limit=50';

    // The same URL, asked by the owner first (filling the cache), then by others, on both replicas.
    for (const app of [a, b]) {
      expect(await ids(app, mine, owner)).toContain(secret.id);
      const theirs = await ids(app, mine, other);
      expect(theirs).not.toContain(secret.id);
      expect(theirs).toContain(others.id);
      expect(await ids(app, mine, owner)).not.toContain(others.id);
      expect(await ids(app)).not.toContain(secret.id);
      expect(await ids(app)).not.toContain(others.id);
    }
    await b.http.get(mine).expect(401);
  });

  it('answers a matching If-None-Match with 304, and a changed page with its new ETag', async () => {
    const first = await b.http.get(PAGE).expect(200);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=0, s-maxage=1');
    expect(first.headers.vary ?? '').not.toMatch(/authorization/i);

    const again = await b.http.get(PAGE).set('If-None-Match', etag).expect(304);
    expect(again.text ?? '').toBe('');
    expect(again.headers.etag).toBe(etag);
    // Served from the cache before Nest's pipeline: the edge's headers are there all the same.
    expect(again.headers['x-request-id']).toBeTruthy();
    expect(again.headers['x-content-type-options']).toBe('nosniff');

    const changed = Date.now();
    await insert();
    await until(b, () => true, changed);
    await sleep(TTL_MS + 50);
    const fresh = await b.http.get(PAGE).set('If-None-Match', etag).expect(200);
    expect(fresh.headers.etag).not.toBe(etag);

    const own = await b.http.get('/api/v1/me/images').set(owner.auth).expect(200);
    expect(own.headers['cache-control']).toBe('private, no-cache');
    expect(own.headers.vary).toMatch(/authorization/i);
    await b.http
      .get('/api/v1/me/images')
      .set(owner.auth)
      .set('If-None-Match', own.headers.etag)
      .expect(304);
  });

  it('answers from memory, before the app, exactly as the app does: pages, 304s, bytes, HEAD', async () => {
    const png = Buffer.alloc(3000, 7);
    const webp = Buffer.alloc(900, 9);
    const image = await insert({
      byteSize: png.length,
      sha256: createHash('sha256').update(png).digest('hex'),
    });
    const blobs = new LocalBlobStore(join(dir, 'blobs'));
    await blobs.put(image.blobKey, png, { contentType: image.contentType });
    await blobs.put(image.thumbnailKey, webp, { contentType: image.thumbnailContentType });
    // What the gallery's own answerer left to the app: a later one is asked only then.
    const reachedApp: string[] = [];
    const leave = a.app.get(FrontDoor).answer((url) => {
      reachedApp.push(url);
      return undefined;
    });
    /** Status and headers, but those that differ between any two answers. */
    const seen = (response: Response) => {
      const {
        date,
        'x-request-id': id,
        connection,
        'keep-alive': keepAlive,
        ...rest
      } = response.headers;
      expect(id && date).toBeTruthy();
      return { status: response.status, headers: rest, connection, keepAlive };
    };
    try {
      // A page: built on the first two asks (kept from the second), then from memory.
      const page = '/api/v1/images?limit=9';
      const built = await a.http.get(page).expect(200);
      await a.http.get(page).expect(200);
      const kept = await a.http.get(page).expect(200);
      expect(reachedApp).toEqual([page, page]);
      expect(seen(kept)).toEqual(seen(built));
      expect(kept.text).toBe(built.text);

      // A 304, by the app and then from memory.
      const other = '/api/v1/images?limit=8';
      const { etag } = (await a.http.get(other).expect(200)).headers;
      const appNotModified = await a.http.get(other).set('If-None-Match', etag).expect(304);
      const doorNotModified = await a.http.get(other).set('If-None-Match', etag).expect(304);
      expect(reachedApp.filter((url) => url === other)).toHaveLength(2);
      expect(seen(doorNotModified)).toEqual(seen(appNotModified));

      // The bytes: sent by the app until they are in memory, then from there.
      for (const [kind, bytes] of [
        ['thumbnail', webp],
        ['content', png],
      ] as const) {
        const url = `/api/v1/images/${image.id}/${kind}`;
        const fromApp = await a.http.get(url).expect(200);
        expect(fromApp.body).toEqual(bytes);
        let fromDoor = fromApp;
        for (let ask = 0; ask < 5 && reachedApp.includes(url); ask++) {
          reachedApp.length = 0;
          fromDoor = await a.http.get(url).expect(200);
        }
        expect(reachedApp).not.toContain(url);
        expect(fromDoor.body).toEqual(bytes);
        expect(seen(fromDoor)).toEqual(seen(fromApp));
        const head = await a.http.head(url).expect(200);
        expect(reachedApp).not.toContain(url);
        expect(head.body).toEqual({});
        expect(seen(head)).toEqual(seen(fromApp));
      }
    } finally {
      leave();
    }
  });

  it('tags equal bytes alike whatever the query, and any change to an item anew', async () => {
    const image = await insert();
    await until(a, (list) => list[0] === image.id, Date.now());
    const plain = await a.http.get(PAGE).expect(200);
    // Another query (so another cache entry, another build) making the same bytes.
    const bounded = await a.http.get(`${PAGE}&to=2999-01-01T00:00:00.000Z`).expect(200);
    expect(bounded.text).toBe(plain.text);
    expect(bounded.headers.etag).toBe(plain.headers.etag);

    // A change inside an item (the same images on the page, one of them with new tags).
    await a.http
      .patch(`/api/v1/images/${image.id}`)
      .set(owner.auth)
      .send({ tags: ['retagged'] })
      .expect(200);
    const retagged = await a.http.get(PAGE).set('If-None-Match', plain.headers.etag).expect(200);
    expect((retagged.body as { items: { id: string }[] }).items.map((item) => item.id)).toEqual(
      (plain.body as { items: { id: string }[] }).items.map((item) => item.id),
    );
    expect(retagged.text).not.toBe(plain.text);
    expect(retagged.headers.etag).not.toBe(plain.headers.etag);
  });

  it('validates a query before any cache: a bad one is a 400 every time', async () => {
    for (let i = 0; i < 2; i++) {
      const response = await b.http.get('/api/v1/images?limit=0').expect(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });
});
