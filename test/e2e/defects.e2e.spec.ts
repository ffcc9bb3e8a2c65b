/**
 * Defects a new user found (issue 8, item 6), each pinned by what the user saw over HTTP.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { pino } from 'pino';
import { PinoNestLogger } from '../../src/common/logging.js';
import { imageKey, thumbnailKey } from '../../src/storage/blobs/blob-keys.js';
import { register, startApp, type Account, type TestApp } from '../support/app.js';
import { waitFor } from '../support/wait.js';

interface Job {
  id: string;
  status: string;
  imageIds: string[];
}

async function generate(t: TestApp, user: Account, body: object): Promise<Job> {
  const accepted = await t.http.post('/api/v1/generations').set(user.auth).send(body).expect(202);
  return waitFor(async () => {
    const res = await t.http.get(`/api/v1/generations/${accepted.body.id}`).set(user.auth);
    const job = res.body as Job;
    if (job.status === 'failed' || job.status === 'canceled') throw new Error(job.status);
    return job.status === 'succeeded' ? job : undefined;
  }, `generation ${accepted.body.id}`);
}

describe('e2e: defects of issue 8', () => {
  let t: TestApp;
  let ada: Account;
  let bob: Account;

  beforeAll(async () => {
    t = await startApp({ SCHEDULE_MIN_INTERVAL_SECONDS: '1', SCHEDULE_RECONCILE_MS: '200' });
    ada = await register(t.http);
    bob = await register(t.http);
  });
  afterAll(() => t.close());

  describe('tags are one per meaning, and the tag filter ignores case', () => {
    let job: Job;

    beforeAll(async () => {
      job = await generate(t, ada, {
        size: '256x256',
        tags: ['Koi', 'Big   Fish', 'KOI', 'Étang'],
      });
    });

    it('stores tags trimmed, collapsed, lower-cased and once each, in the order given', async () => {
      const image = await t.http.get(`/api/v1/images/${job.imageIds[0]}`).expect(200);
      expect(image.body.tags).toEqual(['koi', 'big fish', 'étang']);
    });

    it.each(['koi', 'Koi', 'KOI', ' Koi ', 'big  FISH', 'ÉTANG'])(
      'finds the image with ?tag=%j, in the gallery and in my history',
      async (tag) => {
        const gallery = await t.http.get('/api/v1/images').query({ tag }).expect(200);
        expect(gallery.body.items.map((i: { id: string }) => i.id)).toContain(job.imageIds[0]);
        const mine = await t.http.get('/api/v1/me/images').set(ada.auth).query({ tag }).expect(200);
        expect(mine.body.items.map((i: { id: string }) => i.id)).toContain(job.imageIds[0]);
      },
    );

    it('normalises tags given to an image update', async () => {
      const res = await t.http
        .patch(`/api/v1/images/${job.imageIds[0]}`)
        .set(ada.auth)
        .send({ tags: [' Carp', 'CARP ', 'koi'] })
        .expect(200);
      expect(res.body.tags).toEqual(['carp', 'koi']);
      const found = await t.http.get('/api/v1/images').query({ tag: 'CARP' }).expect(200);
      expect(found.body.items.map((i: { id: string }) => i.id)).toContain(job.imageIds[0]);
    });

    it('normalises the tags of a schedule’s template', async () => {
      const res = await t.http
        .post('/api/v1/schedules')
        .set(ada.auth)
        .send({
          name: 'tags',
          cron: '0 9 * * *',
          size: '256x256',
          tags: ['Daily', 'DAILY', 'Sea  Life'],
        })
        .expect(201);
      expect(res.body.template.tags).toEqual(['daily', 'sea life']);
      await t.http.delete(`/api/v1/schedules/${res.body.id}`).set(ada.auth).expect(204);
    });

    it('names the bad tag, by position and value', async () => {
      const res = await t.http
        .post('/api/v1/generations')
        .set(ada.auth)
        .send({ tags: ['ok', 'no/slash'] })
        .expect(400);
      const tagErrors = (res.body.errors as { field: string; message: string }[]).filter((e) =>
        e.field.startsWith('tags'),
      );
      expect(tagErrors).toHaveLength(1);
      expect(tagErrors[0].message).toContain('tags[1]');
      expect(tagErrors[0].message).toContain('no/slash');
      expect(tagErrors[0].message).not.toContain('"ok"');

      const query = await t.http.get('/api/v1/images').query({ tag: 'a/b' }).expect(400);
      expect(query.body.errors).toEqual([
        expect.objectContaining({ field: 'tag', message: expect.stringContaining('a/b') }),
      ]);
    });
  });

  it('deleting an image removes it from its generation’s imageIds', async () => {
    const job = await generate(t, ada, { size: '256x256', n: 2 });
    expect(job.imageIds).toHaveLength(2);
    const [gone, kept] = job.imageIds;

    await t.http.delete(`/api/v1/images/${gone}`).set(ada.auth).expect(204);

    const after = await t.http.get(`/api/v1/generations/${job.id}`).set(ada.auth).expect(200);
    expect(after.body.imageIds).toEqual([kept]);
    await t.http.get(`/api/v1/images/${gone}`).set(ada.auth).expect(404);
    await t.http.get(`/api/v1/images/${kept}`).set(ada.auth).expect(200);
  });

  it('lists the past runs of a deleted schedule to its owner only', async () => {
    const created = await t.http
      .post('/api/v1/schedules')
      .set(ada.auth)
      .send({ name: 'kept runs', cron: '0 9 * * *', size: '256x256' })
      .expect(201);
    const id = created.body.id as string;
    const run = await t.http.post(`/api/v1/schedules/${id}/run`).set(ada.auth).expect(202);
    await waitFor(async () => {
      const res = await t.http.get(`/api/v1/generations/${run.body.id}`).set(ada.auth);
      return res.body.status === 'succeeded' ? true : undefined;
    }, 'the run');

    await t.http.delete(`/api/v1/schedules/${id}`).set(ada.auth).expect(204);

    const runs = await t.http.get(`/api/v1/schedules/${id}/runs`).set(ada.auth).expect(200);
    expect(runs.body.items).toEqual([
      expect.objectContaining({ jobId: run.body.id, status: 'succeeded' }),
    ]);
    await t.http.get(`/api/v1/schedules/${id}`).set(ada.auth).expect(404);
    await t.http.get(`/api/v1/schedules/${id}/runs`).set(bob.auth).expect(404);
    const never = '01a200bc-4929-719e-90bf-5cd1ebf503d3';
    await t.http.get(`/api/v1/schedules/${never}/runs`).set(ada.auth).expect(404);
  });

  describe('image content caching respects a later change of visibility', () => {
    let job: Job;

    beforeAll(async () => {
      job = await generate(t, ada, { size: '256x256' });
    });

    it.each(['content', 'thumbnail'])(
      'a public %s may be stored by caches, but is revalidated on every use',
      async (kind) => {
        const url = `/api/v1/images/${job.imageIds[0]}/${kind}`;
        const full = await t.http.get(url).expect(200);
        expect(full.headers['cache-control']).toBe('public, no-cache');
        const etag = full.headers.etag;
        expect(etag).toMatch(/^"[0-9a-f]{64}(-thumb)?"$/);

        const again = await t.http.get(url).set('If-None-Match', etag).expect(304);
        expect(again.headers['cache-control']).toBe('public, no-cache');
        expect(again.headers.etag).toBe(etag);

        const part = await t.http.get(url).set('Range', 'bytes=0-9').expect(206);
        expect(part.headers['cache-control']).toBe('public, no-cache');
        expect(part.headers['content-range']).toMatch(/^bytes 0-9\/\d+$/);
      },
    );

    it.each(['content', 'thumbnail'] as const)(
      'sends a public %s from memory exactly as it sent it from the store',
      async (kind) => {
        const made = await generate(t, ada, { size: '256x256' });
        const id = made.imageIds[0];
        const image = (await t.http.get(`/api/v1/images/${id}`).expect(200)).body as {
          createdAt: string;
        };
        const url = `/api/v1/images/${id}/${kind}`;
        const fromStore = await t.http.get(url).expect(200);
        // Gone from the store, the bytes can only come from memory now.
        const key = (kind === 'content' ? imageKey : thumbnailKey)(id, image.createdAt);
        rmSync(join(t.dataDir, 'blobs', key));
        const fromMemory = await t.http.get(url).expect(200);

        // All but the two that differ on every answer.
        const headers = ({ headers }: { headers: Record<string, unknown> }) =>
          Object.fromEntries(
            Object.entries(headers).filter(([name]) => name !== 'date' && name !== 'x-request-id'),
          );
        expect(headers(fromMemory)).toEqual(headers(fromStore));
        expect(Buffer.compare(fromMemory.body as Buffer, fromStore.body as Buffer)).toBe(0);
        await t.http.get(url).set('If-None-Match', fromStore.headers.etag).expect(304);
      },
    );

    it('a private image is for its owner’s cache only, keyed by who asks; made private, it is gone at once', async () => {
      const url = `/api/v1/images/${job.imageIds[0]}/content`;
      const etag = (await t.http.get(url).expect(200)).headers.etag;

      await t.http
        .patch(`/api/v1/images/${job.imageIds[0]}`)
        .set(ada.auth)
        .send({ visibility: 'private' })
        .expect(200);

      // A cache revalidating its public copy for someone else is told it is gone.
      await t.http.get(url).set('If-None-Match', etag).expect(404);
      const own = await t.http.get(url).set(ada.auth).expect(200);
      expect(own.headers['cache-control']).toBe('private, no-cache');
      expect(String(own.headers.vary).toLowerCase()).toContain('authorization');
      const revalidated = await t.http.get(url).set(ada.auth).set('If-None-Match', etag);
      expect(revalidated.status).toBe(304);
      expect(revalidated.headers['cache-control']).toBe('private, no-cache');
      expect(String(revalidated.headers.vary).toLowerCase()).toContain('authorization');
    });
  });
});

/** Log lines an operator sees at LOG_LEVEL=info, captured as the JSON the service writes. */
function captureLogs(): { lines: Record<string, unknown>[] } {
  const captured = { lines: [] as Record<string, unknown>[] };
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      captured.lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  Logger.overrideLogger(new PinoNestLogger(pino({ level: 'info' }, sink)));
  return captured;
}

describe('e2e: schedule outcomes are logged at info', () => {
  let t: TestApp;
  let user: Account;

  beforeAll(async () => {
    t = await startApp({
      SCHEDULE_MIN_INTERVAL_SECONDS: '1',
      SCHEDULE_RECONCILE_MS: '200',
      SCHEDULE_MAX_CONSECUTIVE_FAILURES: '1',
      GENERATION_MAX_ACTIVE_PER_USER: '1',
      OFFLINE_LATENCY_MS: '5000',
    });
    user = await register(t.http);
  });
  afterAll(() => t.close());

  it('logs the run a fire creates and the pause after repeated failures', async () => {
    const logs = captureLogs();
    const created = await t.http
      .post('/api/v1/schedules')
      .set(user.auth)
      .send({ name: 'every second', cron: '* * * * * *', size: '256x256' })
      .expect(201);
    const id = created.body.id as string;

    // The first fire queues a run; the next finds the user's one slot busy: a failed run, which
    // pauses the schedule (one failure allowed).
    const queued = await waitFor(
      async () => logs.lines.find((l) => l.scheduleId === id && l.jobId && l.level === 30),
      'the scheduled run to be logged',
    );
    expect(queued).toMatchObject({ context: 'ScheduleRunner', slot: expect.any(String) });
    const paused = await waitFor(
      async () => logs.lines.find((l) => l.scheduleId === id && /paused/.test(String(l.msg))),
      'the pause to be logged',
    );
    expect(paused).toMatchObject({ level: 40, failures: 1, code: 'quota-exceeded' });
    const schedule = await t.http.get(`/api/v1/schedules/${id}`).set(user.auth).expect(200);
    expect(schedule.body.enabled).toBe(false);

    // The run itself ends, and says so.
    const done = await waitFor(
      async () =>
        logs.lines.find((l) => l.jobId === queued.jobId && l.msg === 'generation succeeded'),
      'the run’s outcome to be logged',
    );
    expect(done).toMatchObject({
      level: 30,
      scheduleId: id,
      provider: 'offline',
      model: expect.any(String),
      images: 1,
      ms: expect.any(Number),
    });
  });

  it('logs a canceled generation', async () => {
    const logs = captureLogs();
    const other = await register(t.http);
    const job = await t.http
      .post('/api/v1/generations')
      .set(other.auth)
      .send({ size: '256x256', prompt: 'a secret lighthouse' })
      .expect(202);
    await t.http.post(`/api/v1/generations/${job.body.id}/cancel`).set(other.auth).expect(200);

    const canceled = await waitFor(
      async () =>
        logs.lines.find((l) => l.jobId === job.body.id && l.msg === 'generation canceled'),
      'the cancel to be logged',
    );
    expect(canceled).toMatchObject({ level: 30 });
    expect(JSON.stringify(logs.lines)).not.toContain('secret lighthouse');
  });
});
