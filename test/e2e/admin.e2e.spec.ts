/**
 * Admin (issue 12): every account, image and generation for admins, 403 for everyone else;
 * disabling an account stops its tokens and API keys at once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { register, startApp, type Account, type TestApp } from '../support/app.js';
import { waitFor } from '../support/wait.js';

const PASSWORD = 'correct horse battery';
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

function expectProblem(res: Response, status: number): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
}

interface Job {
  id: string;
  status: string;
  imageIds: string[];
}

describe('e2e: admin', () => {
  let t: TestApp;
  let root: Account;
  let ada: Account;
  let bob: Account;

  beforeAll(async () => {
    t = await startApp({ ADMIN_EMAILS: 'root@example.com' });
    root = await register(t.http, 'root@example.com');
    ada = await register(t.http);
    bob = await register(t.http);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function generate(who: Account, body: object): Promise<Job> {
    const accepted = await t.http.post('/api/v1/generations').set(who.auth).send(body).expect(202);
    return waitFor(async () => {
      const res = await t.http.get(`/api/v1/generations/${accepted.body.id}`).set(who.auth);
      const job = res.body as Job;
      return job.status === 'succeeded' ? job : undefined;
    }, `generation ${accepted.body.id}`);
  }

  const ADMIN_ROUTES: [method: 'get' | 'patch' | 'put', path: string][] = [
    ['get', '/api/v1/admin/users'],
    ['patch', '/api/v1/admin/users/:ada'],
    ['get', '/api/v1/admin/images'],
    ['get', '/api/v1/admin/generations'],
    ['get', '/api/v1/admin/log-level'],
    ['put', '/api/v1/admin/log-level'],
  ];

  it.each(ADMIN_ROUTES)(
    'answers a user on %s %s with 403, and nobody with 401',
    async (method, path) => {
      const url = path.replace(':ada', ada.id);
      expectProblem(await t.http[method](url).set(bob.auth).send({ disabled: true }), 403);
      expectProblem(await t.http[method](url).send({ disabled: true }), 401);
    },
  );

  it('lists every account, newest first, and finds them by part of their e-mail', async () => {
    const all = await t.http.get('/api/v1/admin/users').set(root.auth).expect(200);
    const emails = (all.body.items as { email: string }[]).map((u) => u.email);
    expect(emails).toEqual(expect.arrayContaining([root.email, ada.email, bob.email]));
    expect(JSON.stringify(all.body)).not.toContain('passwordHash');
    expect(JSON.stringify(all.body)).not.toContain('scrypt');

    const found = await t.http
      .get('/api/v1/admin/users')
      .query({ email: ada.email.slice(0, 12).toUpperCase() })
      .set(root.auth)
      .expect(200);
    expect(found.body.items.map((u: { id: string }) => u.id)).toContain(ada.id);
    expect(found.body.items.map((u: { id: string }) => u.id)).not.toContain(root.id);

    const first = await t.http.get('/api/v1/admin/users').query({ limit: 2 }).set(root.auth);
    expect(first.body.items).toHaveLength(2);
    const second = await t.http
      .get('/api/v1/admin/users')
      .query({ limit: 2, cursor: first.body.nextCursor })
      .set(root.auth)
      .expect(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[1].id);
  });

  it('disables an account: its tokens, refresh tokens and API keys stop at once; enabling lets it sign in again', async () => {
    const carol = await register(t.http);
    const session = (
      await t.http.post('/api/v1/auth/login').send({ email: carol.email, password: PASSWORD })
    ).body as { accessToken: string; refreshToken: string };
    const key = (
      await t.http
        .post('/api/v1/auth/api-keys')
        .set(carol.auth)
        .send({ name: 'k', scopes: ['images:read'] })
        .expect(201)
    ).body as { key: string };
    await t.http.get('/api/v1/auth/me').set(bearer(key.key)).expect(200);

    const res = await t.http
      .patch(`/api/v1/admin/users/${carol.id}`)
      .set(root.auth)
      .send({ disabled: true })
      .expect(200);
    expect(res.body).toMatchObject({ id: carol.id, disabled: true, role: 'user' });

    expectProblem(await t.http.get('/api/v1/auth/me').set(carol.auth), 401);
    expectProblem(await t.http.get('/api/v1/auth/me').set(bearer(session.accessToken)), 401);
    expectProblem(await t.http.get('/api/v1/me/images').set(bearer(key.key)), 401);
    expectProblem(
      await t.http.post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }),
      401,
    );
    const login = await t.http
      .post('/api/v1/auth/login')
      .send({ email: carol.email, password: PASSWORD });
    expectProblem(login, 401);
    expect(login.body.detail).toContain('disabled');

    await t.http
      .patch(`/api/v1/admin/users/${carol.id}`)
      .set(root.auth)
      .send({ disabled: false })
      .expect(200);
    await t.http
      .post('/api/v1/auth/login')
      .send({ email: carol.email, password: PASSWORD })
      .expect(200);
    await t.http.get('/api/v1/auth/me').set(bearer(key.key)).expect(200);
    // Disabling ended the sessions for good: their refresh tokens do not come back.
    expectProblem(
      await t.http.post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }),
      401,
    );
  });

  it('changes roles: a promoted user is an admin from the next request; demoted, not', async () => {
    const dan = await register(t.http);
    expectProblem(await t.http.get('/api/v1/admin/users').set(dan.auth), 403);

    await t.http
      .patch(`/api/v1/admin/users/${dan.id}`)
      .set(root.auth)
      .send({ role: 'admin' })
      .expect(200);
    await t.http.get('/api/v1/admin/users').set(dan.auth).expect(200);
    const key = (
      await t.http
        .post('/api/v1/auth/api-keys')
        .set(dan.auth)
        .send({ name: 'ops', scopes: ['admin'] })
        .expect(201)
    ).body as { key: string };
    await t.http.get('/api/v1/admin/users').set(bearer(key.key)).expect(200);

    await t.http
      .patch(`/api/v1/admin/users/${dan.id}`)
      .set(root.auth)
      .send({ role: 'user' })
      .expect(200);
    expectProblem(await t.http.get('/api/v1/admin/users').set(dan.auth), 403);
    // The key keeps its `admin` scope on paper, but an account that is no admin cannot use it.
    expectProblem(await t.http.get('/api/v1/admin/users').set(bearer(key.key)), 403);
  });

  it.each([
    ['disable', { disabled: true }],
    ['demote', { role: 'user' }],
  ])('does not let an admin %s their own account (409)', async (_, body) => {
    expectProblem(
      await t.http.patch(`/api/v1/admin/users/${root.id}`).set(root.auth).send(body),
      409,
    );
    await t.http.get('/api/v1/admin/users').set(root.auth).expect(200);
  });

  it('answers 404 for an unknown account and 400 for an empty change', async () => {
    expectProblem(
      await t.http
        .patch('/api/v1/admin/users/01a200bc-4929-719e-90bf-5cd1ebf503d3')
        .set(root.auth)
        .send({ disabled: true }),
      404,
    );
    expectProblem(await t.http.patch(`/api/v1/admin/users/${ada.id}`).set(root.auth).send({}), 400);
  });

  it('reads and changes the log level of the replica that answers, and names a bad level', async () => {
    const levelPath = '/api/v1/admin/log-level';
    const before = await t.http.get(levelPath).set(root.auth).expect(200);
    // startApp runs the service at LOG_LEVEL=silent.
    expect(before.body).toEqual({
      level: 'silent',
      configured: 'silent',
      instance: expect.stringMatching(/.:\d+$/),
    });

    const refusals: [body: object, field: string][] = [
      [{ level: 'loud' }, 'level'],
      [{}, 'level'],
      [{ level: 'warn', extra: 1 }, 'extra'],
    ];
    for (const [body, field] of refusals) {
      const refused = await t.http.put(levelPath).set(root.auth).send(body);
      expectProblem(refused, 400);
      const fields = (refused.body.errors as { field: string }[]).map((e) => e.field);
      expect(fields).toContain(field);
    }
    expect((await t.http.get(levelPath).set(root.auth).expect(200)).body.level).toBe('silent');

    try {
      const changed = await t.http
        .put(levelPath)
        .set(root.auth)
        .send({ level: 'error' })
        .expect(200);
      expect(changed.body).toEqual({ ...before.body, level: 'error' });
      expect((await t.http.get(levelPath).set(root.auth).expect(200)).body).toEqual(changed.body);
    } finally {
      await t.http.put(levelPath).set(root.auth).send({ level: 'silent' }).expect(200);
    }
  });

  it('lists everyone’s images and generations, private ones too, with the users’ filters', async () => {
    const adasPrivate = await generate(ada, { visibility: 'private', tags: ['secret'] });
    const bobsPublic = await generate(bob, { tags: ['open'] });

    const images = await t.http.get('/api/v1/admin/images').set(root.auth).expect(200);
    const imageIds = images.body.items.map((i: { id: string }) => i.id);
    expect(imageIds).toEqual(
      expect.arrayContaining([adasPrivate.imageIds[0], bobsPublic.imageIds[0]]),
    );
    const privateOnes = await t.http
      .get('/api/v1/admin/images')
      .query({ visibility: 'private', tag: 'secret' })
      .set(root.auth)
      .expect(200);
    expect(privateOnes.body.items.map((i: { id: string }) => i.id)).toEqual([
      adasPrivate.imageIds[0],
    ]);
    // Its content URL is signed: the admin can show it.
    await t.http.get(privateOnes.body.items[0].contentUrl).expect(200);
    const bobs = await t.http
      .get('/api/v1/admin/images')
      .query({ ownerId: bob.id })
      .set(root.auth)
      .expect(200);
    expect(bobs.body.items.map((i: { id: string }) => i.id)).toEqual([bobsPublic.imageIds[0]]);

    const jobs = await t.http.get('/api/v1/admin/generations').set(root.auth).expect(200);
    expect(jobs.body.items.map((j: { id: string }) => j.id)).toEqual(
      expect.arrayContaining([adasPrivate.id, bobsPublic.id]),
    );
    const adas = await t.http
      .get('/api/v1/admin/generations')
      .query({ ownerId: ada.id, status: 'succeeded' })
      .set(root.auth)
      .expect(200);
    expect(adas.body.items.map((j: { id: string }) => j.id)).toEqual([adasPrivate.id]);
    await t.http
      .get('/api/v1/admin/generations')
      .query({ status: 'failed' })
      .set(root.auth)
      .expect(200)
      .then((res) => expect(res.body.items).toEqual([]));
  });

  it('manages anyone’s generation, image and schedule by id', async () => {
    const job = await generate(ada, { visibility: 'private' });
    const imageId = job.imageIds[0];
    const seen = await t.http.get(`/api/v1/generations/${job.id}`).set(root.auth).expect(200);
    expect((seen.body as Job).imageIds).toEqual(job.imageIds);
    // Another user still cannot see it: as if it did not exist.
    expectProblem(await t.http.get(`/api/v1/generations/${job.id}`).set(bob.auth), 404);
    await t.http.get(`/api/v1/images/${imageId}`).set(root.auth).expect(200);
    await t.http
      .patch(`/api/v1/images/${imageId}`)
      .set(root.auth)
      .send({ visibility: 'public' })
      .expect(200);
    await t.http.delete(`/api/v1/images/${imageId}`).set(root.auth).expect(204);

    const schedule = await t.http
      .post('/api/v1/schedules')
      .set(ada.auth)
      .send({ name: 'daily', cron: '0 6 * * *' })
      .expect(201);
    await t.http.delete(`/api/v1/schedules/${schedule.body.id}`).set(root.auth).expect(204);
  });
});
