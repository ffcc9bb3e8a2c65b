import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Response } from 'supertest';
import type { TestApp } from '../support/app.js';
import { SpecConformance, type OpenApiDocument } from '../support/openapi.js';

/*
 * Counts the scrypt runs of the whole app: the one observable cost that must not tell a caller
 * whether an e-mail has an account. Registered before the app is imported (ESM mocks apply to
 * later imports only); every call still goes to the real scrypt.
 */
const realCrypto = await import('node:crypto');
let scryptRuns = 0;
const countingScrypt = ((...args: Parameters<typeof realCrypto.scrypt>) => {
  scryptRuns++;
  return (realCrypto.scrypt as (...a: unknown[]) => void)(...args);
}) as typeof realCrypto.scrypt;
jest.unstable_mockModule('node:crypto', () => ({
  ...realCrypto,
  scrypt: countingScrypt,
  default: { ...realCrypto.default, scrypt: countingScrypt },
}));
const { register, startApp } = await import('../support/app.js');

const PASSWORD = 'correct horse battery';

function expectThrottled(res: Response, windowSeconds: number): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status: 429,
    type: expect.stringContaining('application/problem+json'),
  });
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= windowSeconds).toBe(true);
}

/**
 * Throttling of the credential routes (issue 12, item 4 and "quotas and throttling"): per client
 * IP and per account e-mail, 429 + Retry-After as the spec says; and a login for an unknown
 * e-mail costs what a wrong password costs. The app trusts X-Forwarded-For here, so each request
 * can come from the address a test gives it.
 */
describe('throttle: register and login, per IP and per e-mail', () => {
  let t: TestApp;
  let spec: SpecConformance;
  const from = (ip: string) => ({ 'X-Forwarded-For': ip });
  const login = (email: string, ip: string, password = 'wrong password!') =>
    t.http.post('/api/v1/auth/login').set(from(ip)).send({ email, password });

  beforeAll(async () => {
    t = await startApp({
      TRUST_PROXY: 'true',
      THROTTLE_WINDOW_SECONDS: '60',
      THROTTLE_REGISTER_PER_IP: '3',
      THROTTLE_LOGIN_PER_IP: '4',
      THROTTLE_LOGIN_PER_EMAIL: '2',
    });
    spec = new SpecConformance((await t.http.get('/docs-json')).body as OpenApiDocument);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('declares 429 with Retry-After on every throttled operation', () => {
    const throttled = ['register', 'login', 'refreshSession', 'changePassword'];
    const ops = Object.values(spec.doc.paths)
      .flatMap((item) => Object.values(item))
      .filter((op) => throttled.includes(op.operationId));
    expect(ops.length).toBe(throttled.length);
    for (const op of ops) {
      const declared = op.responses['429'] as { headers?: Record<string, unknown> } | undefined;
      expect({
        op: op.operationId,
        retryAfter: Boolean(declared?.headers?.['Retry-After']),
      }).toEqual({ op: op.operationId, retryAfter: true });
    }
  });

  it('lets one IP register THROTTLE_REGISTER_PER_IP accounts per window, then answers 429', async () => {
    for (let i = 0; i < 3; i++) {
      await t.http
        .post('/api/v1/auth/register')
        .set(from('203.0.113.1'))
        .send({ email: `reg${i}@example.com`, password: PASSWORD })
        .expect(201);
    }
    const refused = await t.http
      .post('/api/v1/auth/register')
      .set(from('203.0.113.1'))
      .send({ email: 'reg3@example.com', password: PASSWORD });
    expectThrottled(refused, 60);
    spec.check(refused);
    // Another address is counted on its own.
    await t.http
      .post('/api/v1/auth/register')
      .set(from('203.0.113.2'))
      .send({ email: 'reg3@example.com', password: PASSWORD })
      .expect(201);
  });

  it('limits logins per e-mail across IPs, without blocking other accounts', async () => {
    await login('victim@example.com', '198.51.100.1').expect(401);
    await login('VICTIM@example.com', '198.51.100.2').expect(401);
    const third = await login(' victim@example.com', '198.51.100.3');
    expectThrottled(third, 60);
    spec.check(third);
    await login('someone-else@example.com', '198.51.100.3').expect(401);
  });

  it('limits logins per IP across e-mails; an IPv6 client counts by its /64', async () => {
    for (let i = 0; i < 4; i++) await login(`probe${i}@example.com`, '192.0.2.7').expect(401);
    expectThrottled(await login('probe4@example.com', '192.0.2.7'), 60);

    for (let i = 0; i < 4; i++) {
      await login(`six${i}@example.com`, `2001:db8:1:2::${i + 1}`).expect(401);
    }
    expectThrottled(await login('six4@example.com', '2001:db8:1:2:ffff::9'), 60);
    await login('six4@example.com', '2001:db8:1:3::1').expect(401);
  });

  it('does not throttle routes that take no credentials', async () => {
    const user = await register(t.http);
    for (let i = 0; i < 12; i++) {
      await t.http.get('/api/v1/auth/me').set(user.auth).set(from('192.0.2.7')).expect(200);
    }
  });
});

describe('throttle: the window', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ THROTTLE_WINDOW_SECONDS: '2', THROTTLE_REGISTER_PER_IP: '1' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('admits the client again once Retry-After has passed', async () => {
    // Both sent at once: each is counted when it arrives, before its password is hashed, so the
    // second lands inside the window however long the first one's scrypt takes on a busy machine.
    const answers = await Promise.all(
      ['first', 'second'].map((name) =>
        t.http
          .post('/api/v1/auth/register')
          .send({ email: `${name}@example.com`, password: PASSWORD }),
      ),
    );
    expect(answers.map((res) => res.status).sort()).toEqual([201, 429]);
    const refused = answers.find((res) => res.status === 429)!;
    expectThrottled(refused, 2);
    await new Promise((resolve) =>
      setTimeout(resolve, Number(refused.headers['retry-after']) * 1000),
    );
    await t.http
      .post('/api/v1/auth/register')
      .send({ email: 'later@example.com', password: PASSWORD })
      .expect(201);
  });
});

describe('throttle: password changes, per signed-in account and per IP', () => {
  let t: TestApp;
  let spec: SpecConformance;
  const from = (ip: string) => ({ 'X-Forwarded-For': ip });
  const change = (auth: Record<string, string>, ip: string, currentPassword = 'wrong password!') =>
    t.http
      .post('/api/v1/auth/password')
      .set(auth)
      .set(from(ip))
      .send({ currentPassword, newPassword: 'a brand new passphrase' });

  beforeAll(async () => {
    t = await startApp({
      TRUST_PROXY: 'true',
      THROTTLE_WINDOW_SECONDS: '60',
      THROTTLE_PASSWORD_PER_IP: '4',
      THROTTLE_PASSWORD_PER_ACCOUNT: '2',
    });
    spec = new SpecConformance((await t.http.get('/docs-json')).body as OpenApiDocument);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('limits guesses of the current password per account, across IPs and sessions', async () => {
    const victim = await register(t.http);
    // A second session of the same account (another device, or a stolen token).
    const second = await t.http
      .post('/api/v1/auth/login')
      .send({ email: victim.email, password: PASSWORD })
      .expect(200);
    const secondAuth = {
      Authorization: `Bearer ${(second.body as { accessToken: string }).accessToken}`,
    };

    await change(victim.auth, '198.51.100.10').expect(400);
    await change(secondAuth, '198.51.100.11').expect(400);
    // Over the account's limit even with the right password: the guess is not even tried.
    const refused = await change(victim.auth, '198.51.100.12', PASSWORD);
    expectThrottled(refused, 60);
    spec.check(refused);
    await t.http
      .post('/api/v1/auth/login')
      .send({ email: victim.email, password: PASSWORD })
      .expect(200);

    // Another account, from the same address, is counted on its own.
    const other = await register(t.http);
    await change(other.auth, '198.51.100.12').expect(400);
  });

  it('limits password changes per IP across accounts', async () => {
    for (let i = 0; i < 4; i++) {
      await change((await register(t.http)).auth, '192.0.2.50').expect(400);
    }
    expectThrottled(await change((await register(t.http)).auth, '192.0.2.50'), 60);
  });

  it('answers a request without credentials 401, before it counts', async () => {
    for (let i = 0; i < 6; i++) await change({}, '192.0.2.60').expect(401);
    await change((await register(t.http)).auth, '192.0.2.60').expect(400);
  });
});

describe('login: an unknown e-mail costs what a wrong password costs', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The scrypt runs one request makes. */
  async function scryptRunsOf(send: () => Promise<Response>, status: number): Promise<number> {
    const before = scryptRuns;
    expect((await send()).status).toBe(status);
    return scryptRuns - before;
  }

  it('runs one scrypt for an unknown e-mail (the first one after boot too) and one for a wrong password', async () => {
    const known = await register(t.http);
    const unknown = await scryptRunsOf(
      () =>
        t.http.post('/api/v1/auth/login').send({ email: 'nobody@example.com', password: PASSWORD }),
      401,
    );
    const wrong = await scryptRunsOf(
      () =>
        t.http.post('/api/v1/auth/login').send({ email: known.email, password: 'wrong password!' }),
      401,
    );
    const again = await scryptRunsOf(
      () =>
        t.http
          .post('/api/v1/auth/login')
          .send({ email: 'nobody2@example.com', password: PASSWORD }),
      401,
    );
    expect({ unknown, wrong, again }).toEqual({ unknown: 1, wrong: 1, again: 1 });
  });
});
