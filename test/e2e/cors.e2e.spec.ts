import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { register, startApp, type Account, type TestApp } from '../support/app.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

/** The CORS headers of a response, by lower-case name. */
function corsHeaders(res: Response): Record<string, string> {
  return Object.fromEntries(
    Object.entries(res.headers as Record<string, string>).filter(([name]) =>
      name.startsWith('access-control-'),
    ),
  );
}

function preflight(t: TestApp, origin: string, method = 'POST') {
  return t.http
    .options('/api/v1/generations')
    .set('Origin', origin)
    .set('Access-Control-Request-Method', method)
    .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key');
}

/** Issue 12, item 6: CORS origins from configuration, none by default, never a reflected origin. */
describe('cors: by default', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends no CORS header at all, to any origin, preflight or not', async () => {
    for (const origin of [APP, EVIL, 'null']) {
      expect(corsHeaders(await t.http.get('/api/v1/images').set('Origin', origin))).toEqual({});
      expect(corsHeaders(await preflight(t, origin))).toEqual({});
    }
  });
});

describe('cors: with CORS_ORIGINS', () => {
  let t: TestApp;
  let user: Account;

  beforeAll(async () => {
    t = await startApp({ CORS_ORIGINS: `${APP}, http://localhost:5173` });
    user = await register(t.http);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('allows a listed origin to read responses and the headers clients need', async () => {
    const res = await t.http.get('/api/v1/images').set('Origin', APP).expect(200);

    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(res.headers.vary).toMatch(/origin/i);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    const exposed = String(res.headers['access-control-expose-headers'])
      .toLowerCase()
      .split(/,\s*/);
    expect(exposed).toEqual(
      expect.arrayContaining([
        'x-request-id',
        'location',
        'retry-after',
        'etag',
        'idempotent-replayed',
        'content-range',
      ]),
    );
  });

  it('lets a listed origin read errors too', async () => {
    const res = await t.http.get('/api/v1/auth/me').set('Origin', 'http://localhost:5173');
    expect(res.status).toBe(401);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  it('answers a listed origin’s preflight with the methods and headers the API takes', async () => {
    const res = await preflight(t, APP);

    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(String(res.headers['access-control-allow-methods'])).toMatch(/POST/);
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toEqual(
      expect.stringContaining('idempotency-key'),
    );
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toEqual(
      expect.stringContaining('authorization'),
    );
  });

  it('never reflects an origin that is not listed (nor `null`, nor a look-alike)', async () => {
    for (const origin of [EVIL, 'null', `${APP}.evil.example.net`, 'http://app.example.com']) {
      const simple = await t.http.get('/api/v1/images').set('Origin', origin).set(user.auth);
      const pre = await preflight(t, origin);
      for (const res of [simple, pre]) {
        expect({ origin, allowed: res.headers['access-control-allow-origin'] }).toEqual({
          origin,
          allowed: undefined,
        });
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      }
    }
  });
});

describe('cors: with CORS_CREDENTIALS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ CORS_ORIGINS: APP, CORS_CREDENTIALS: 'true' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('allows credentials for the listed origin only', async () => {
    const listed = await t.http.get('/api/v1/images').set('Origin', APP);
    expect(listed.headers['access-control-allow-origin']).toBe(APP);
    expect(listed.headers['access-control-allow-credentials']).toBe('true');

    const other = await t.http.get('/api/v1/images').set('Origin', EVIL);
    expect(corsHeaders(other)).not.toHaveProperty('access-control-allow-origin');
    expect(corsHeaders(other)).not.toHaveProperty('access-control-allow-credentials');
  });
});
