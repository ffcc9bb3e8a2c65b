/**
 * Sessions (issue 12): short-lived access tokens naming their session, refresh tokens that rotate
 * on use and are stored hashed, reuse that ends the whole session, sign-out here and everywhere,
 * and password changes that end every session. All over HTTP, on SQLite.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { Response } from 'supertest';
import { SessionPruner } from '../../src/auth/session-pruner.js';
import { startApp, type TestApp } from '../support/app.js';

interface Session {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  user: { id: string; email: string };
}

const PASSWORD = 'correct horse battery';
let accounts = 0;

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

function expectProblem(res: Response, status: number): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
}

describe('e2e: sessions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function signUp(): Promise<{ email: string; session: Session }> {
    const email = `session-${++accounts}-${Date.now()}@example.com`;
    const res = await t.http
      .post('/api/v1/auth/register')
      .set('User-Agent', 'sessions-e2e')
      .send({ email, password: PASSWORD })
      .expect(201);
    return { email, session: res.body as Session };
  }

  const signIn = async (email: string, password = PASSWORD): Promise<Session> =>
    (await t.http.post('/api/v1/auth/login').send({ email, password }).expect(200)).body as Session;

  const refresh = (refreshToken: string) =>
    t.http.post('/api/v1/auth/refresh').send({ refreshToken });

  const me = (accessToken: string) => t.http.get('/api/v1/auth/me').set(bearer(accessToken));

  it('answers register and login with a short-lived access token and a refresh token', async () => {
    const { email, session } = await signUp();

    expect(session).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      refreshExpiresIn: 2_592_000,
      user: expect.objectContaining({ email, role: 'user', disabled: false }),
    });
    const claims = JSON.parse(
      Buffer.from(session.accessToken.split('.')[1], 'base64url').toString(),
    ) as { exp: number; iat: number; sid: string };
    expect(claims.exp - claims.iat).toBe(900);
    expect(claims.sid).toEqual(expect.any(String));
    expect(await signIn(email)).toMatchObject({ refreshToken: expect.any(String) });
  });

  it('stores only a hash of the refresh token', async () => {
    const { session } = await signUp();
    const db = new Database(join(t.dataDir, 'image-forge.db'), { readonly: true });
    try {
      const rows = db
        .prepare('SELECT * FROM sessions WHERE user_id = ?')
        .all(session.user.id) as Record<string, unknown>[];
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(session.refreshToken);
      expect(rows[0]).toMatchObject({ user_agent: 'sessions-e2e', used_at: null });
    } finally {
      db.close();
    }
  });

  it('rotates: a refresh gives a new pair in the same session, and the new tokens work', async () => {
    const { session } = await signUp();

    const res = await refresh(session.refreshToken).expect(200);
    const next = res.body as Session;

    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(next.user.id).toBe(session.user.id);
    await me(next.accessToken).expect(200);
    const sid = (token: string) =>
      (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sid: string }).sid;
    expect(sid(next.accessToken)).toBe(sid(session.accessToken));
    const again = (await refresh(next.refreshToken).expect(200)).body as Session;
    await me(again.accessToken).expect(200);
  });

  /** Moves a token's first use back past REFRESH_REUSE_GRACE_SECONDS (10 s by default). */
  const pastTheGrace = (refreshToken: string) => {
    const db = new Database(join(t.dataDir, 'image-forge.db'));
    try {
      db.prepare('UPDATE sessions SET used_at = ? WHERE token_hash = ?').run(
        new Date(Date.now() - 11_000).toISOString(),
        createHash('sha256').update(refreshToken).digest('base64url'),
      );
    } finally {
      db.close();
    }
  };

  it('ends the whole session when a stolen refresh token is used after its rotation', async () => {
    const { session } = await signUp();
    const stolen = session.refreshToken;
    const rotated = (await refresh(stolen).expect(200)).body as Session;
    pastTheGrace(stolen);

    expectProblem(await refresh(stolen), 401);

    // Everyone holding the session's tokens is out: the thief's reuse ended it for the owner too.
    expectProblem(await refresh(rotated.refreshToken), 401);
    expectProblem(await me(rotated.accessToken), 401);
    expectProblem(await me(session.accessToken), 401);
  });

  it('gives two tabs refreshing one token at once a pair each, in the same session', async () => {
    const { session } = await signUp();

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => refresh(session.refreshToken)),
    );

    expect(answers.map((res) => res.status)).toEqual(Array<number>(10).fill(200));
    const pairs = answers.map((res) => res.body as Session);
    expect(new Set(pairs.map((pair) => pair.refreshToken)).size).toBe(10);
    for (const pair of pairs) await me(pair.accessToken).expect(200);
    // Each tab goes on with its own token; the session has not ended.
    await refresh(pairs[0].refreshToken).expect(200);
    await refresh(pairs[9].refreshToken).expect(200);
    await me(session.accessToken).expect(200);
  });

  it.each([
    ['unknown', 'A'.repeat(43)],
    ['malformed', 'not a token'],
    ['an access token', 'access'],
  ])('refuses a refresh token that is %s with 401', async (_, value) => {
    const { session } = await signUp();
    const token = value === 'access' ? session.accessToken : value;

    expectProblem(await refresh(token), 401);
  });

  it('refuses an expired refresh token', async () => {
    const { session } = await signUp();
    const db = new Database(join(t.dataDir, 'image-forge.db'));
    try {
      db.prepare('UPDATE sessions SET expires_at = ? WHERE user_id = ?').run(
        new Date(Date.now() - 1000).toISOString(),
        session.user.id,
      );
    } finally {
      db.close();
    }

    expectProblem(await refresh(session.refreshToken), 401);
  });

  it('prunes what can sign no one in, and keeps what a live access token still needs', async () => {
    const tokensOf = (userId: string) => {
      const db = new Database(join(t.dataDir, 'image-forge.db'), { readonly: true });
      try {
        return (
          db.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ?').get(userId) as {
            n: number;
          }
        ).n;
      } finally {
        db.close();
      }
    };
    const edit = (sql: string, ...params: string[]) => {
      const db = new Database(join(t.dataDir, 'image-forge.db'));
      try {
        db.prepare(sql).run(...params);
      } finally {
        db.close();
      }
    };
    const longAgo = new Date(Date.now() - 3600_000).toISOString();

    // A live session refreshed twice: two used tokens, both expired (as if refreshed long ago).
    const { session: live } = await signUp();
    const second = (await refresh(live.refreshToken).expect(200)).body as Session;
    const current = (await refresh(second.refreshToken).expect(200)).body as Session;
    edit(
      'UPDATE sessions SET expires_at = ? WHERE user_id = ? AND used_at IS NOT NULL',
      longAgo,
      live.user.id,
    );
    // A session ended just now: its access token must stay refused.
    const { session: endedNow } = await signUp();
    await t.http.post('/api/v1/auth/logout').set(bearer(endedNow.accessToken)).expect(204);
    // A session ended long ago, all its tokens older than any live access token.
    const { session: endedLongAgo } = await signUp();
    await t.http.post('/api/v1/auth/logout').set(bearer(endedLongAgo.accessToken)).expect(204);
    edit('UPDATE sessions SET created_at = ? WHERE user_id = ?', longAgo, endedLongAgo.user.id);

    await t.app.get(SessionPruner).prune();

    expect({
      live: tokensOf(live.user.id),
      endedNow: tokensOf(endedNow.user.id),
      endedLongAgo: tokensOf(endedLongAgo.user.id),
    }).toEqual({ live: 1, endedNow: 1, endedLongAgo: 0 });
    await refresh(current.refreshToken).expect(200);
    expectProblem(await me(endedNow.accessToken), 401);
    expectProblem(await refresh(second.refreshToken), 401);
  });

  it('answers a refresh without a token with 400 naming it', async () => {
    const res = await t.http.post('/api/v1/auth/refresh').send({}).expect(400);
    expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(
      'refreshToken',
    );
  });

  it('logs out this session at once: its access and refresh tokens, and no other session', async () => {
    const { email, session } = await signUp();
    const other = await signIn(email);

    await t.http.post('/api/v1/auth/logout').set(bearer(session.accessToken)).expect(204);

    expectProblem(await me(session.accessToken), 401);
    expectProblem(await refresh(session.refreshToken), 401);
    await me(other.accessToken).expect(200);
    await refresh(other.refreshToken).expect(200);
  });

  it('logs out everywhere: every session of the account ends at once', async () => {
    const { email, session } = await signUp();
    const laptop = await signIn(email);
    const phone = await signIn(email);
    const { session: stranger } = await signUp();

    await t.http.post('/api/v1/auth/logout-all').set(bearer(phone.accessToken)).expect(204);

    for (const ended of [session, laptop, phone]) {
      expectProblem(await me(ended.accessToken), 401);
      expectProblem(await refresh(ended.refreshToken), 401);
    }
    await me(stranger.accessToken).expect(200);
    const again = await signIn(email);
    await me(again.accessToken).expect(200);
  });

  it('changes the password: every session ends, the caller gets a new one', async () => {
    const { email, session } = await signUp();
    const other = await signIn(email);

    const wrong = await t.http
      .post('/api/v1/auth/password')
      .set(bearer(session.accessToken))
      .send({ currentPassword: 'wrong password', newPassword: 'a brand new password' });
    expectProblem(wrong, 400);
    await me(session.accessToken).expect(200);

    const res = await t.http
      .post('/api/v1/auth/password')
      .set(bearer(session.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'a brand new password' })
      .expect(200);
    const fresh = res.body as Session;

    for (const ended of [session, other]) {
      expectProblem(await me(ended.accessToken), 401);
      expectProblem(await refresh(ended.refreshToken), 401);
    }
    await me(fresh.accessToken).expect(200);
    await refresh(fresh.refreshToken).expect(200);
    expectProblem(await t.http.post('/api/v1/auth/login').send({ email, password: PASSWORD }), 401);
    await signIn(email, 'a brand new password');
  });

  it('refuses, after a password change, an access token issued before it that names no session', async () => {
    const { session } = await signUp();
    const secret = readFileSync(join(t.dataDir, 'jwt-secret'), 'utf8');
    const now = Math.floor(Date.now() / 1000);
    const legacy = sign(
      {
        sub: session.user.id,
        iss: 'image-forge',
        aud: 'image-forge-api',
        iat: now - 5,
        exp: now + 600,
      },
      secret,
    );
    await me(legacy).expect(200);

    await t.http
      .post('/api/v1/auth/password')
      .set(bearer(session.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'a brand new password' })
      .expect(200);

    expectProblem(await me(legacy), 401);
  });

  it('keeps the refresh route anonymous in the spec, and logout session-only', async () => {
    const spec = (await t.http.get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(spec.paths['/api/v1/auth/refresh'].post.security).toEqual([]);
    expect(spec.paths['/api/v1/auth/logout'].post.security).toEqual([{ bearer: [] }]);
    expect(spec.paths['/api/v1/auth/logout-all'].post.security).toEqual([{ bearer: [] }]);
    expect(spec.paths['/api/v1/auth/password'].post.security).toEqual([{ bearer: [] }]);
  });
});

describe('e2e: sessions with REFRESH_REUSE_GRACE_SECONDS=0', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ REFRESH_REUSE_GRACE_SECONDS: '0' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lets exactly one of 10 concurrent refreshes of one token win, and ends the session', async () => {
    const session = (
      await t.http
        .post('/api/v1/auth/register')
        .send({ email: `strict-${Date.now()}@example.com`, password: PASSWORD })
        .expect(201)
    ).body as Session;

    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.http.post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }),
      ),
    );

    const statuses = answers.map((res) => res.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(9);
    const winner = answers.find((res) => res.status === 200)!.body as Session;
    expectProblem(await t.http.get('/api/v1/auth/me').set(bearer(winner.accessToken)), 401);
  });
});

describe('e2e: sessions are pruned on a timer', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ SESSION_PRUNE_INTERVAL_MS: '100' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('deletes an expired refresh token within an interval, with no request asking', async () => {
    const res = await t.http
      .post('/api/v1/auth/register')
      .send({ email: `pruned-${Date.now()}@example.com`, password: PASSWORD })
      .expect(201);
    const userId = (res.body as Session).user.id;
    const db = new Database(join(t.dataDir, 'image-forge.db'));
    try {
      const count = db.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ?');
      expect(count.get(userId)).toEqual({ n: 1 });
      db.prepare('UPDATE sessions SET expires_at = ? WHERE user_id = ?').run(
        new Date(Date.now() - 3600_000).toISOString(),
        userId,
      );
      const deadline = Date.now() + 10_000;
      while ((count.get(userId) as { n: number }).n > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(count.get(userId)).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});

function sign(claims: Record<string, unknown>, secret: string): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
