import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { SqliteDatabase } from '../../src/storage/records/sqlite/sqlite.database.js';
import { SqliteJobsRepository } from '../../src/storage/records/sqlite/sqlite.jobs.repository.js';
import { sleep } from '../support/wait.js';
import { register, startApp, type TestApp } from '../support/app.js';

/**
 * Three replicas on one record store (one SQLite file), every one registering and firing the same
 * schedule: each slot runs exactly once, and stopping a replica mid-way loses no slot.
 */
describe('e2e: schedules across replicas', () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-forge-replicas-'));
  const replicas: TestApp[] = [];
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close({ keepData: true })));
    rmSync(dir, { recursive: true, force: true });
  });

  it('three replicas, N slots, exactly N runs; one replica stopped mid-run loses nothing', async () => {
    const env = {
      SCHEDULE_MIN_INTERVAL_SECONDS: '1',
      SCHEDULE_RECONCILE_MS: '300',
      GENERATION_STALE_AFTER_MS: '2000',
      GENERATION_HEARTBEAT_MS: '200',
      // Runs take a moment, so the stopped replica is stopped while it holds one.
      OFFLINE_LATENCY_MS: '300',
    };
    for (let i = 0; i < 3; i++) replicas.push(await startApp(env, dir));
    const [a, b, c] = replicas;
    const user = await register(a.http);
    const created = await a.http
      .post('/api/v1/schedules')
      .set(user.auth)
      .send({ name: 'every second', cron: '* * * * * *', size: '256x256' })
      .expect(201);
    const id = created.body.id as string;

    // The other replicas learn of the schedule by reconciling with the store.
    await sleep(4000);
    // Stop the first replica. (Not the last: passport keeps one global strategy per name, so in
    // this one test process every app authenticates with the last one registered, the third's.)
    await a.close({ keepData: true });
    replicas.shift();
    await sleep(3000);
    const pause = await b.http
      .patch(`/api/v1/schedules/${id}`)
      .set(user.auth)
      .send({ enabled: false });
    expect({ status: pause.status, body: pause.status === 200 ? null : pause.body }).toEqual({
      status: 200,
      body: null,
    });
    await sleep(1500);

    const sqlite = new SqliteDatabase(join(dir, 'image-forge.db'));
    const jobs = await new SqliteJobsRepository(sqlite).list({ scheduleId: id }, { limit: 1000 });
    sqlite.close();

    const slots = jobs.map((job) => Date.parse(job.slot as string)).sort((x, y) => x - y);
    expect(slots.length).toBeGreaterThanOrEqual(5);
    // Exactly one run per slot...
    expect(new Set(slots).size).toBe(slots.length);
    // ...and no slot lost between the first and the last, across the stopped replica.
    const expected = (slots.at(-1)! - slots[0]) / 1000 + 1;
    expect(slots.length).toBe(expected);

    // Every run finishes, including any the stopped replica held.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await c.http
        .get(`/api/v1/schedules/${id}/runs`)
        .set(user.auth)
        .query({ limit: 100 })
        .expect(200);
      const open = res.body.items.filter((r: { status: string }) => r.status !== 'succeeded');
      if (open.length === 0) break;
      if (Date.now() > deadline) throw new Error(`runs not finished: ${JSON.stringify(open)}`);
      await sleep(200);
    }
  });
});
