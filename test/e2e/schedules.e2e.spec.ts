import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sleep, waitFor } from '../support/wait.js';
import { register, startApp, type Account, type TestApp } from '../support/app.js';
import { SpecConformance, type OpenApiDocument } from '../support/openapi.js';

interface Run {
  slot: string;
  jobId: string;
  status: string;
  imageIds: string[];
  error?: { code: string };
}

const FAST = { SCHEDULE_MIN_INTERVAL_SECONDS: '1', SCHEDULE_RECONCILE_MS: '200' };

describe('e2e: schedules', () => {
  let t: TestApp;
  let spec: SpecConformance;
  let user: Account;

  beforeAll(async () => {
    t = await startApp({ ...FAST, SCHEDULE_MIN_INTERVAL_SECONDS: '2', SCHEDULE_MAX_PER_USER: '3' });
    spec = new SpecConformance((await t.http.get('/docs-json')).body as OpenApiDocument);
    user = await register(t.http);
  });
  afterAll(() => t.close());

  const runsOf = async (id: string): Promise<Run[]> => {
    const res = await t.http
      .get(`/api/v1/schedules/${id}/runs`)
      .set(user.auth)
      .query({ limit: 100 })
      .expect(200);
    spec.check(res);
    return res.body.items as Run[];
  };

  it('runs on schedule, stores the images, lists the runs; pause stops it, resume restarts it', async () => {
    const created = await t.http
      .post('/api/v1/schedules')
      .set(user.auth)
      .send({
        name: 'every two seconds',
        cron: '*/2 * * * * *',
        timezone: 'Europe/Paris',
        size: '256x256',
        theme: 'a lighthouse',
      })
      .expect(201);
    spec.check(created);
    const id = created.body.id as string;
    expect(created.body.nextFireTimes).toHaveLength(5);
    const gaps = created.body.nextFireTimes
      .slice(1)
      .map(
        (time: string, i: number) => Date.parse(time) - Date.parse(created.body.nextFireTimes[i]),
      );
    expect(new Set(gaps)).toEqual(new Set([2000]));

    const done = await waitFor(
      async () => (await runsOf(id)).find((run) => run.status === 'succeeded'),
      'a successful run',
    );
    expect(done.imageIds).toHaveLength(1);
    expect(Date.parse(done.slot) % 2000).toBe(0);
    const image = await t.http.get(`/api/v1/images/${done.imageIds[0]}`).set(user.auth).expect(200);
    expect(image.body).toMatchObject({
      scheduleId: id,
      lineage: { strategy: 'random', theme: 'a lighthouse' },
    });
    expect(image.body.prompt.startsWith('a lighthouse ')).toBe(true);

    const paused = await t.http
      .patch(`/api/v1/schedules/${id}`)
      .set(user.auth)
      .send({ enabled: false })
      .expect(200);
    spec.check(paused);
    expect(paused.body).toMatchObject({ enabled: false, nextFireTimes: [], nextRunAt: null });
    await sleep(500); // a run already queued when pausing may still finish
    const before = (await runsOf(id)).length;
    await sleep(4500);
    expect((await runsOf(id)).length).toBe(before);

    await t.http
      .patch(`/api/v1/schedules/${id}`)
      .set(user.auth)
      .send({ enabled: true })
      .expect(200);
    await waitFor(
      async () => ((await runsOf(id)).length > before ? true : undefined),
      'a run after resuming',
    );

    const slots = (await runsOf(id)).map((run) => run.slot);
    expect(new Set(slots).size).toBe(slots.length);
    await t.http.delete(`/api/v1/schedules/${id}`).set(user.auth).expect(204);
    await t.http.get(`/api/v1/schedules/${id}`).set(user.auth).expect(404);
  });

  it('runs now on request, and keeps schedules private to their owner', async () => {
    const { body } = await t.http
      .post('/api/v1/schedules')
      .set(user.auth)
      .send({
        name: 'nightly',
        cron: '0 3 * * *',
        prompt: 'a quiet harbour at night',
        size: '256x256',
      })
      .expect(201);
    expect(body.template).toMatchObject({
      strategy: 'literal',
      prompt: 'a quiet harbour at night',
    });
    const run = await t.http.post(`/api/v1/schedules/${body.id}/run`).set(user.auth).expect(202);
    spec.check(run);
    expect(run.body.scheduleId).toBe(body.id);
    const runs = await waitFor(async () => {
      const all = await runsOf(body.id);
      return all[0]?.status === 'succeeded' ? all : undefined;
    }, 'the manual run');
    expect(runs).toHaveLength(1);

    const list = await t.http.get('/api/v1/schedules').set(user.auth).expect(200);
    spec.check(list);
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain(body.id);

    const other = await register(t.http);
    await t.http.get(`/api/v1/schedules/${body.id}`).set(other.auth).expect(404);
    await t.http
      .patch(`/api/v1/schedules/${body.id}`)
      .set(other.auth)
      .send({ enabled: false })
      .expect(404);
    await t.http.post(`/api/v1/schedules/${body.id}/run`).set(other.auth).expect(404);
    await t.http.get(`/api/v1/schedules/${body.id}/runs`).set(other.auth).expect(404);
    const theirs = await t.http.get('/api/v1/schedules').set(other.auth).expect(200);
    expect(theirs.body.items).toEqual([]);
    await t.http.delete(`/api/v1/schedules/${body.id}`).set(user.auth).expect(204);
  });

  it.each([
    ['cron', { name: 'x', cron: '61 * * * *' }],
    ['cron', { name: 'x', cron: 'every day at nine' }],
    ['cron', { name: 'x', cron: '* * * * * *' }],
    ['timezone', { name: 'x', cron: '0 9 * * *', timezone: 'Mars/Olympus' }],
    ['name', { cron: '0 9 * * *' }],
    ['size', { name: 'x', cron: '0 9 * * *', size: '9x9' }],
    ['provider', { name: 'x', cron: '0 9 * * *', provider: 'nope' }],
    ['seed', { name: 'x', cron: '0 9 * * *', seed: 1 }],
  ])('refuses a bad %s with a 400 naming it', async (field, body) => {
    const res = await t.http.post('/api/v1/schedules').set(user.auth).send(body);
    expect(res.status).toBe(400);
    spec.check(res);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('limits schedules per user with a 409 that says why', async () => {
    const other = await register(t.http);
    for (let i = 0; i < 3; i++) {
      await t.http
        .post('/api/v1/schedules')
        .set(other.auth)
        .send({ name: `s${i}`, cron: '0 9 * * *', enabled: false })
        .expect(201);
    }
    const res = await t.http
      .post('/api/v1/schedules')
      .set(other.auth)
      .send({ name: 's4', cron: '0 9 * * *' })
      .expect(409);
    spec.check(res);
    expect(res.body.detail).toContain('SCHEDULE_MAX_PER_USER');
  });
});

describe('e2e: a failing schedule keeps firing, then pauses itself and says why', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({
      ...FAST,
      SCHEDULE_MAX_CONSECUTIVE_FAILURES: '2',
      GENERATION_MAX_ATTEMPTS: '1',
      GENERATION_TIMEOUT_MS: '1000',
      OFFLINE_LATENCY_MS: '3000',
    });
  });
  afterAll(() => t.close());

  it('pauses after K failed runs', async () => {
    const user = await register(t.http);
    const { body } = await t.http
      .post('/api/v1/schedules')
      .set(user.auth)
      .send({ name: 'doomed', cron: '*/2 * * * * *', size: '256x256' })
      .expect(201);
    const paused = await waitFor(
      async () => {
        const res = await t.http.get(`/api/v1/schedules/${body.id}`).set(user.auth).expect(200);
        const schedule = res.body as {
          enabled: boolean;
          pausedReason: string;
          consecutiveFailures: number;
        };
        return schedule.enabled ? undefined : schedule;
      },
      'the schedule to pause itself',
      30_000,
    );
    expect(paused.pausedReason).toMatch(/^Paused after 2 failed runs in a row \(last: timeout/);
    expect(paused.consecutiveFailures).toBe(2);
    const runs = await t.http.get(`/api/v1/schedules/${body.id}/runs`).set(user.auth).expect(200);
    expect(runs.body.items.filter((r: Run) => r.status === 'failed').length).toBeGreaterThanOrEqual(
      2,
    );
    expect(
      runs.body.items.every((r: Run) => r.status !== 'failed' || r.error?.code === 'timeout'),
    ).toBe(true);

    const resumed = await t.http
      .patch(`/api/v1/schedules/${body.id}`)
      .set(user.auth)
      .send({ enabled: true })
      .expect(200);
    expect(resumed.body).toMatchObject({
      enabled: true,
      pausedReason: null,
      consecutiveFailures: 0,
    });
    await t.http
      .patch(`/api/v1/schedules/${body.id}`)
      .set(user.auth)
      .send({ enabled: false })
      .expect(200);
  });
});

describe('e2e: AUTO_GENERATE_CRON fills the public gallery', () => {
  it('creates the system schedule at boot and its images are public', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'image-forge-auto-'));
    const t = await startApp(
      { ...FAST, AUTO_GENERATE_CRON: '*/2 * * * * *', AUTO_GENERATE_THEME: 'a paper boat' },
      dir,
    );
    try {
      const gallery = await waitFor(async () => {
        const res = await t.http.get('/api/v1/images').expect(200);
        const items = res.body.items as {
          visibility: string;
          scheduleId: string;
          prompt: string;
        }[];
        return items.length > 0 ? items : undefined;
      }, 'an auto-generated image');
      expect(gallery[0]).toMatchObject({
        visibility: 'public',
        scheduleId: '00000000-0000-7000-8000-000000000001',
      });
      expect(gallery[0].prompt.startsWith('a paper boat ')).toBe(true);
      // Nobody can sign in as the system user.
      await t.http
        .post('/api/v1/auth/login')
        .send({ email: 'system@image-forge.invalid', password: '!' })
        .expect(400);
    } finally {
      await t.close({ keepData: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
