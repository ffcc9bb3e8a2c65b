/**
 * Sweeps that run while the replica does, not only at boot: orphan blobs and abandoned temp files
 * made after boot are removed by a later periodic sweep (young ones and referenced ones stay), and
 * readiness checks free disk space against MIN_FREE_DISK_BYTES.
 */
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { newId } from '../../src/common/ids.js';
import { imageKey } from '../../src/storage/blobs/blob-keys.js';
import { register, startApp, type TestApp } from '../support/app.js';
import { readSse } from '../support/sse.js';
import { sleep, waitFor } from '../support/wait.js';

const HOUR_AGO = new Date(Date.now() - 3600_000);

/** A file as a crash leaves it, last touched `at`. */
function leave(path: string, content: string, at?: Date): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  if (at) utimesSync(path, at, at);
  return path;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const gone = (path: string) => async () => (existsSync(path) ? undefined : true);

describe('e2e: periodic sweeps', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('removes temp files a killed write left, and orphan blobs made after boot, on a later sweep', async () => {
    t = await startApp({ SWEEP_INTERVAL_MS: '300', BLOB_SWEEP_GRACE_MS: '600000' });
    const blobs = join(t.dataDir, 'blobs');
    const user = await register(t.http);
    const job = await t.http
      .post('/api/v1/generations')
      .set(user.auth)
      .send({ size: '256x256' })
      .expect(202);
    const stream = await readSse(t.app, `/api/v1/generations/${job.body.id}/events`, user.auth);
    expect(JSON.parse(stream.events.at(-1)!.data).status).toBe('succeeded');
    // Past boot (and its sweep) by several sweep intervals.
    await sleep(700);

    // The image and thumbnail the job made, aged too: a record points at them, so they stay.
    const referenced = filesUnder(join(blobs, 'images')).concat(
      filesUnder(join(blobs, 'thumbnails')),
    );
    expect(referenced).toHaveLength(2);
    for (const file of referenced) utimesSync(file, HOUR_AGO, HOUR_AGO);

    // A zero-byte temp file a killed write left an hour ago; one being written now.
    const staleTemp = leave(join(blobs, '.tmp', newId()), '', HOUR_AGO);
    const liveTemp = leave(join(blobs, '.tmp', newId()), 'half');
    // An orphan blob from an hour ago, one just written (a write in flight on another replica).
    const orphan = leave(join(blobs, imageKey(newId(), HOUR_AGO.toISOString())), 'x', HOUR_AGO);
    const young = leave(join(blobs, imageKey(newId(), new Date().toISOString())), 'x');
    await waitFor(gone(staleTemp), 'the stale temp file to be swept', 10_000);
    await waitFor(gone(orphan), 'the orphan blob to be swept', 10_000);
    // A few more sweeps: what is young or referenced is still there.
    await sleep(700);
    expect(existsSync(liveTemp)).toBe(true);
    expect(existsSync(young)).toBe(true);
    for (const file of referenced) expect(existsSync(file)).toBe(true);
  });

  it('SWEEP_INTERVAL_MS=0 sweeps at boot only', async () => {
    t = await startApp({ SWEEP_INTERVAL_MS: '0', BLOB_SWEEP_GRACE_MS: '600000' });
    await sleep(300);
    const staleTemp = leave(join(t.dataDir, 'blobs', '.tmp', newId()), '', HOUR_AGO);
    await sleep(700);
    expect(existsSync(staleTemp)).toBe(true);
  });
});

describe('e2e: readiness checks free disk space', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('is 503 naming both stores when the threshold is above what the disk has', async () => {
    // 1 EiB: more than any disk here has free.
    t = await startApp({ MIN_FREE_DISK_BYTES: String(2 ** 60) });
    const ready = await t.http.get('/health/ready').expect(503);
    expect(ready.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(ready.headers['retry-after']).toBeDefined();
    expect(ready.body.detail).toContain('recordStore: free disk space');
    expect(ready.body.detail).toContain('blobStore: free disk space');
    expect(ready.body.detail).toContain('below MIN_FREE_DISK_BYTES');
    expect(JSON.stringify(ready.body)).not.toContain(t.dataDir);
  });

  it('is 200 when the disk has room above the threshold', async () => {
    t = await startApp({ MIN_FREE_DISK_BYTES: String(1024 * 1024) });
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body.info).toMatchObject({
      recordStore: { status: 'up' },
      blobStore: { status: 'up' },
      process: { status: 'up' },
      worker: { status: 'up' },
    });
  });
});
