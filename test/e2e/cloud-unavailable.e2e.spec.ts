/**
 * A cloud store that cannot be reached is a 503 `storage-unavailable` with `Retry-After`, as a full
 * disk is on the embedded stores, never a 500: Azure Blob Storage and S3 (configured as a real one
 * started here, then pointed at a closed port, or at a port where nothing ever answers) and Cosmos
 * DB (its emulator stopped under a running app, its port held by a server that never answers, then
 * by one that resets every connection). Reads that find no answer end within
 * STORE_READ_TIMEOUT_MS, and so do blob deletes (an image's delete, its blob store gone silent).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { ImagesRepository } from '../../src/storage/records/images.repository.js';
import { makeImage } from '../fixtures/records.js';
import { register, startApp, type TestApp } from '../support/app.js';
import { startAzurite } from '../support/azurite.js';
import {
  atClosedPort,
  atPort,
  holdPort,
  loopbackPort,
  type HeldPort,
} from '../support/closed-port.js';
import { startCosmosEmulator, type CosmosEmulator } from '../support/cosmos.js';
import { startS3rver } from '../support/s3rver.js';

/** How long @azure/cosmos waits before it tries a request again after a connection failed. */
const COSMOS_RETRY_DELAY_MS = 1000;

function expectUnavailable(res: Response, store: 'blob' | 'record'): void {
  expect({
    status: res.status,
    type: res.headers['content-type'],
    retryAfter: res.headers['retry-after'],
    code: (res.body as { code?: string }).code,
  }).toEqual({
    status: 503,
    type: expect.stringContaining('application/problem+json'),
    retryAfter: '30',
    code: 'storage-unavailable',
  });
  expect((res.body as { detail: string }).detail).toContain(`The ${store} store is unavailable`);
}

describe.each([
  ['azure', async () => startAzurite()],
  ['s3', async () => startS3rver()],
] as const)('e2e: BLOB_DRIVER=%s that cannot be reached', (_driver, start) => {
  let t: TestApp;

  beforeAll(async () => {
    // Started for a configuration of the real shape, then stopped. Its own port may be handed to
    // another suite's server; the closed port is never.
    const store = await start();
    const env = atClosedPort(store.env());
    await store.stop();
    t = await startApp({ ...env, GALLERY_BLOB_CACHE_MAX_BYTES: '0' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers an image's bytes 503 storage-unavailable, and readiness names the blob store", async () => {
    const image = await t.app.get(ImagesRepository).insert(makeImage({ visibility: 'public' }));

    for (const kind of ['content', 'thumbnail']) {
      expectUnavailable(await t.http.get(`/api/v1/images/${image.id}/${kind}`), 'blob');
    }
    const ready = await t.http.get('/health/ready').expect(503);
    expect((ready.body as { detail: string }).detail).toContain('blobStore');
  });
});

describe.each([
  ['azure', async () => startAzurite()],
  ['s3', async () => startS3rver()],
] as const)('e2e: BLOB_DRIVER=%s that never answers', (_driver, start) => {
  let t: TestApp;
  let held: HeldPort | undefined;

  beforeAll(async () => {
    // A listener that accepts connections and never answers: a hung store, or a network that
    // drops packets. Its port is held for the whole test, so nothing else can answer there.
    held = await holdPort(0, 'silence');
    const store = await start();
    const env = atPort(store.env(), held.port);
    await store.stop();
    t = await startApp({
      ...env,
      GALLERY_BLOB_CACHE_MAX_BYTES: '0',
      STORE_READ_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await t?.close();
    await held?.release();
  });

  it("answers an image's bytes 503 storage-unavailable within STORE_READ_TIMEOUT_MS (the SDK alone waits for ever)", async () => {
    const image = await t.app.get(ImagesRepository).insert(makeImage({ visibility: 'public' }));

    for (const kind of ['content', 'thumbnail']) {
      const res = await t.http.get(`/api/v1/images/${image.id}/${kind}`);
      expectUnavailable(res, 'blob');
      expect((res.body as { detail: string }).detail).toContain('timed out');
    }
  });
});

describe.each([
  ['azure', async () => startAzurite()],
  ['s3', async () => startS3rver()],
] as const)('e2e: BLOB_DRIVER=%s that goes silent under a running app', (_driver, start) => {
  let t: TestApp;
  let store: { stop(): Promise<void> } | undefined;
  let held: HeldPort | undefined;
  let port: number;

  beforeAll(async () => {
    const started = await start();
    store = started;
    const env = started.env();
    port = loopbackPort(env);
    t = await startApp({ ...env, STORE_READ_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    await t?.close();
    await store?.stop();
    await held?.release();
  });

  it("deletes its owner's image though the blob store has gone silent: the blob deletes end within STORE_READ_TIMEOUT_MS (Azure's SDK alone waits for ever)", async () => {
    const owner = await register(t.http);
    const images = t.app.get(ImagesRepository);
    const image = await images.insert(makeImage({ ownerId: owner.id }));
    // The store answers (the app has made its container), then stops answering. Its port is held
    // at once: left free, the next server another suite binds to port 0 could get it.
    await t.http.get('/health/ready').expect(200);
    await store!.stop();
    store = undefined;
    held = await holdPort(port, 'silence');

    await t.http.delete(`/api/v1/images/${image.id}`).set(owner.auth).expect(204);

    expect(await images.findById(image.id)).toBeNull();
  });
});

describe('e2e: DATABASE_DRIVER=cosmos when the database goes away', () => {
  let t: TestApp;
  let cosmos: CosmosEmulator | undefined;
  let held: HeldPort | undefined;

  beforeAll(async () => {
    cosmos = await startCosmosEmulator();
    t = await startApp({
      ...cosmos.env(`unavailable-${Date.now()}`),
      GALLERY_CACHE_TTL_MS: '0',
      STORE_READ_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await t?.close();
    await cosmos?.stop();
    await held?.release();
    // The SDK's retry delay (1 s, a plain timer that no abort clears) outlives a read our deadline
    // ended, and a read of the stale-jobs sweep that closing waited for: it ends at its next try,
    // which sees the abort. Waited for here, so this worker has nothing left running when Jest
    // ends it (else: "A worker process has failed to exit gracefully").
    await sleep(COSMOS_RETRY_DELAY_MS + 500);
  });

  it('answers reads 503 storage-unavailable within STORE_READ_TIMEOUT_MS, silent or reset, and readiness names the record store', async () => {
    await t.http.get('/api/v1/images').expect(200);
    // Held at once: left free, the next server another suite binds to port 0 could get it.
    const port = Number(new URL(cosmos!.endpoint).port);
    await cosmos!.stop();
    cosmos = undefined;
    held = await holdPort(port, 'silence');

    // A database that does not answer: the SDK alone waits 60 s a try (past this test's timeout).
    const silent = await t.http.get('/api/v1/images?limit=5');
    expectUnavailable(silent, 'record');
    expect((silent.body as { detail: string }).detail).toContain('timed out');
    const ready = await t.http.get('/health/ready').expect(503);
    expect((ready.body as { detail: string }).detail).toContain('recordStore');

    // Connections reset: the SDK alone retries a read 10 times, 1 s apart (about 20 s). Bounded,
    // it ends within the timeout and one retry delay; 10 s leaves a loaded machine its margin.
    held.answer('reset');
    const started = Date.now();
    expectUnavailable(await t.http.get('/api/v1/images?limit=6'), 'record');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
