import { mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { newId } from '../../src/common/ids.js';
import { imageKey } from '../../src/storage/blobs/blob-keys.js';
import { SqliteDatabase } from '../../src/storage/records/sqlite/sqlite.database.js';
import { SqliteJobsRepository } from '../../src/storage/records/sqlite/sqlite.jobs.repository.js';
import { waitFor } from '../support/wait.js';
import { makeJob } from '../fixtures/records.js';
import { register, startApp, type Account, type TestApp } from '../support/app.js';
import { readSse } from '../support/sse.js';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

async function finish(t: TestApp, user: Account, jobId: string) {
  const stream = await readSse(t.app, `/api/v1/generations/${jobId}/events`, user.auth);
  const last = JSON.parse(stream.events.at(-1)!.data);
  expect(last.status).toBe('succeeded');
  return last as { imageIds: string[]; attempts: number };
}

describe('e2e: restarts lose nothing', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'image-forge-restart-'));
  let running: TestApp | undefined;
  afterEach(async () => {
    await running?.close({ keepData: true });
    running = undefined;
  });

  it('an app closed while a job runs hands it back; the next one finishes it, keeping finished images', async () => {
    const first = await startApp({ OFFLINE_LATENCY_MS: '800' }, dataDir);
    running = first;
    const user = await register(first.http);
    const job = await first.http
      .post('/api/v1/generations')
      .set(user.auth)
      .send({ n: 3, size: '256x256' })
      .expect(202);

    // Close once the first of three images is stored and the job is mid-way.
    const early = await waitFor(async () => {
      const mine = await first.http.get('/api/v1/me/images').set(user.auth);
      return mine.body.items.length >= 1 ? (mine.body.items as { id: string }[]) : undefined;
    }, 'the first image');
    await first.close({ keepData: true });
    running = undefined;

    const second = await startApp({}, dataDir);
    running = second;
    const done = await finish(second, user, job.body.id);
    expect(done.imageIds).toHaveLength(3);
    expect(new Set(done.imageIds).size).toBe(3);
    expect(done.imageIds).toContain(early[0].id);
    // The shutdown did not use up an attempt.
    expect(done.attempts).toBe(1);

    const mine = await second.http.get('/api/v1/me/images').set(user.auth).expect(200);
    expect(mine.body.items.map((i: { id: string }) => i.id).sort()).toEqual(
      [...done.imageIds].sort(),
    );
    expect(filesUnder(join(dataDir, 'blobs', 'images'))).toHaveLength(3);
    expect(filesUnder(join(dataDir, 'blobs', 'thumbnails'))).toHaveLength(3);
  });

  it('recovers what a crash leaves: a running job with a dead worker, and orphan blobs', async () => {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    const setup = await startApp({}, dataDir);
    const user = await register(setup.http);
    await setup.close({ keepData: true });

    // The state a crash leaves: a job claimed by a worker that died an hour ago, and blobs put
    // by it with no record (one old, one just written).
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    const sqlite = new SqliteDatabase(join(dataDir, 'image-forge.db'));
    const jobs = new SqliteJobsRepository(sqlite);
    const jobId = newId();
    const base = makeJob();
    await jobs.create(
      makeJob({
        id: jobId,
        ownerId: user.id,
        request: {
          ...base.request,
          theme: null,
          model: 'poster-v1',
          size: '256x256',
          n: 2,
          seed: 7,
          tags: [],
        },
        lineage: { ...base.lineage, theme: null },
        createdAt: hourAgo,
        updatedAt: hourAgo,
        runAfter: hourAgo,
      }),
    );
    expect((await jobs.claimNext('dead-worker', hourAgo))?.id).toBe(jobId);
    sqlite.close();
    const orphanOld = join(dataDir, 'blobs', imageKey(newId(), hourAgo));
    const orphanNew = join(dataDir, 'blobs', imageKey(newId(), new Date().toISOString()));
    for (const file of [orphanOld, orphanNew]) {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, 'partial');
    }
    utimesSync(orphanOld, new Date(hourAgo), new Date(hourAgo));

    const revived = await startApp(
      { GENERATION_STALE_AFTER_MS: '5000', BLOB_SWEEP_GRACE_MS: '600000' },
      dataDir,
    );
    running = revived;
    const done = await finish(revived, user, jobId);
    expect(done.imageIds).toHaveLength(2);
    await waitFor(async () => (existsSync(orphanOld) ? undefined : true), 'the orphan sweep');
    // Within the grace period a blob may belong to a write in flight elsewhere: it stays.
    expect(existsSync(orphanNew)).toBe(true);
  });
});
