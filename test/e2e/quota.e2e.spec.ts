/**
 * The daily image quota and the in-flight cap (issue 12), both atomic under concurrency: parallel
 * requests are admitted exactly up to the limit, the rest get 429 with `Retry-After`; the quota
 * shows on `GET /auth/me`. On SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { register, startApp, type Account, type TestApp } from '../support/app.js';

function nextUtcMidnight(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

function expectProblem(res: Response, status: number): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
}

describe('e2e: daily image quota', () => {
  let t: TestApp;
  let root: Account;

  beforeAll(async () => {
    t = await startApp({
      DAILY_IMAGE_QUOTA: '5',
      GENERATION_MAX_ACTIVE_PER_USER: '50',
      ADMIN_EMAILS: 'root@example.com',
    });
    root = await register(t.http, 'root@example.com');
  });
  afterAll(async () => {
    await t?.close();
  });

  const generate = (who: Account, body: object = {}) =>
    t.http.post('/api/v1/generations').set(who.auth).send(body);

  it('admits exactly 5 of 20 parallel generations; the others get 429 with Retry-After', async () => {
    const ada = await register(t.http);

    const answers = await Promise.all(Array.from({ length: 20 }, () => generate(ada)));

    expect(answers.filter((res) => res.status === 202)).toHaveLength(5);
    const refused = answers.filter((res) => res.status !== 202);
    expect(refused).toHaveLength(15);
    const untilMidnight = (nextUtcMidnight().getTime() - Date.now()) / 1000;
    for (const res of refused) {
      expectProblem(res, 429);
      const retryAfter = Number(res.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(Math.abs(retryAfter - untilMidnight)).toBeLessThan(30);
      expect(res.body.detail).toContain('5 of 5 images');
    }
    const jobs = await t.http.get('/api/v1/generations').set(ada.auth).expect(200);
    expect(jobs.body.items).toHaveLength(5);
  });

  it('shows the quota on GET /auth/me', async () => {
    const bob = await register(t.http);
    const fresh = await t.http.get('/api/v1/auth/me').set(bob.auth).expect(200);
    expect(fresh.body.quota).toEqual({
      limit: 5,
      used: 0,
      remaining: 5,
      resetsAt: nextUtcMidnight().toISOString(),
    });

    await generate(bob, { n: 2 }).expect(202);

    const after = await t.http.get('/api/v1/auth/me').set(bob.auth).expect(200);
    expect(after.body.quota).toMatchObject({ limit: 5, used: 2, remaining: 3 });
    // What does not fit is refused whole, and takes nothing.
    expectProblem(await generate(bob, { n: 4 }), 429);
    await generate(bob, { n: 3 }).expect(202);
    expectProblem(await generate(bob), 429);
    const full = await t.http.get('/api/v1/auth/me').set(bob.auth).expect(200);
    expect(full.body.quota).toMatchObject({ used: 5, remaining: 0 });
  });

  it('exempts admins', async () => {
    for (let i = 0; i < 7; i++) await generate(root).expect(202);

    const me = await t.http.get('/api/v1/auth/me').set(root.auth).expect(200);
    expect(me.body.quota).toMatchObject({ limit: null, remaining: null, used: 7 });
  });

  it('counts API-key and session requests against the same quota', async () => {
    const dan = await register(t.http);
    const key = (
      await t.http
        .post('/api/v1/auth/api-keys')
        .set(dan.auth)
        .send({ name: 'ci', scopes: ['generations:write'] })
        .expect(201)
    ).body as { key: string };

    await generate(dan, { n: 3 }).expect(202);
    await t.http
      .post('/api/v1/generations')
      .set({ Authorization: `Bearer ${key.key}` })
      .send({ n: 2 })
      .expect(202);
    expectProblem(
      await t.http
        .post('/api/v1/generations')
        .set({ Authorization: `Bearer ${key.key}` })
        .send({}),
      429,
    );
  });
});

describe('e2e: quota of jobs that wait', () => {
  let t: TestApp;

  beforeAll(async () => {
    // One job at a time, each taking a while: later jobs stay queued.
    t = await startApp({
      DAILY_IMAGE_QUOTA: '3',
      GENERATION_MAX_ACTIVE_PER_USER: '3',
      GENERATION_CONCURRENCY: '1',
      OFFLINE_LATENCY_MS: '1500',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const generate = (who: Account, body: object = {}) =>
    t.http.post('/api/v1/generations').set(who.auth).send(body);

  it('admits exactly 3 of 10 parallel generations under the in-flight cap; 429 with Retry-After', async () => {
    const ada = await register(t.http);

    const answers = await Promise.all(Array.from({ length: 10 }, () => generate(ada)));

    expect(answers.filter((res) => res.status === 202)).toHaveLength(3);
    for (const res of answers.filter((r) => r.status !== 202)) {
      expectProblem(res, 429);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.detail).toContain('3 generations queued or running');
    }
    // Refused for the cap, nothing was taken from the day's quota.
    const me = await t.http.get('/api/v1/auth/me').set(ada.auth).expect(200);
    expect(me.body.quota).toMatchObject({ limit: 3, used: 3 });
  });

  it('gives the images of a job canceled before it ran back to the quota', async () => {
    const bob = await register(t.http);
    const running = (await generate(bob).expect(202)).body as { id: string };
    const waiting = (await generate(bob, { n: 2 }).expect(202)).body as { id: string };
    const before = await t.http.get('/api/v1/auth/me').set(bob.auth).expect(200);
    expect(before.body.quota).toMatchObject({ used: 3, remaining: 0 });

    const canceled = await t.http
      .post(`/api/v1/generations/${waiting.id}/cancel`)
      .set(bob.auth)
      .expect(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', attempts: 0 });

    const after = await t.http.get('/api/v1/auth/me').set(bob.auth).expect(200);
    expect(after.body.quota).toMatchObject({ used: 1, remaining: 2 });
    await t.http.post(`/api/v1/generations/${running.id}/cancel`).set(bob.auth);
  });

  it('answers a request for more images than the whole quota with 400 naming n', async () => {
    const carol = await register(t.http);

    const res = await generate(carol, { n: 4 });

    expectProblem(res, 400);
    expect(res.body.errors).toEqual([
      { field: 'n', message: 'is more than your daily quota of 3 images' },
    ]);
  });
});
