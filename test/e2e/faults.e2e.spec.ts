import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { HealthController } from '../../src/health/health.controller.js';
import { BlobStore } from '../../src/storage/blobs/blob-store.js';
import { register, startApp, type Account, type TestApp } from '../support/app.js';
import { readSse } from '../support/sse.js';

/** Storage down: readiness says so, jobs fail cleanly with a code, nothing half-written. */
describe('e2e: faults', () => {
  let t: TestApp;
  let user: Account;

  beforeAll(async () => {
    t = await startApp({ GENERATION_MAX_ATTEMPTS: '2', GENERATION_RETRY_BASE_MS: '20' });
    user = await register(t.http);
  });
  afterAll(() => t.close());

  it('reports not ready, and fails jobs with storage_error, while the blob store is down', async () => {
    const root = join(t.dataDir, 'blobs');
    mkdirSync(root, { recursive: true });
    renameSync(root, `${root}.away`);
    writeFileSync(root, 'not a directory');
    try {
      const ready = await t.http.get('/health/ready').expect(503);
      expect(ready.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(ready.body.detail).toContain('blobStore');

      const job = await t.http
        .post('/api/v1/generations')
        .set(user.auth)
        .send({ size: '256x256' })
        .expect(202);
      const stream = await readSse(t.app, `/api/v1/generations/${job.body.id}/events`, user.auth);
      const last = JSON.parse(stream.events.at(-1)!.data);
      expect(last).toMatchObject({
        status: 'failed',
        attempts: 2,
        error: { code: 'storage_error', retryable: true },
      });
      expect(last.imageIds).toEqual([]);
      const mine = await t.http.get('/api/v1/me/images').set(user.auth).expect(200);
      expect(mine.body.items).toEqual([]);
    } finally {
      rmSync(root, { force: true });
      renameSync(`${root}.away`, root);
    }
    await t.http.get('/health/ready').expect(200);
    const job = await t.http
      .post('/api/v1/generations')
      .set(user.auth)
      .send({ size: '256x256' })
      .expect(202);
    const stream = await readSse(t.app, `/api/v1/generations/${job.body.id}/events`, user.auth);
    expect(JSON.parse(stream.events.at(-1)!.data).status).toBe('succeeded');
  });

  it('checks the stores once for probes that arrive together, and again for the next', async () => {
    const health = t.app.get(HealthController);
    const pings = jest.spyOn(t.app.get(BlobStore), 'ping');
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, () => health.ready()));
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill('ok'));
      expect(pings).toHaveBeenCalledTimes(1);

      // An answer is shared while it is being made, never kept.
      expect((await health.ready()).status).toBe('ok');
      expect(pings).toHaveBeenCalledTimes(2);
    } finally {
      pings.mockRestore();
    }
  });
});
