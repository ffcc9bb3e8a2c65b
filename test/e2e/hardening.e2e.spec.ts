import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { MIN_PRODUCTION_HASH_COST } from '../../src/config/env.schema.js';
import { register, startApp, type Account, type TestApp } from '../support/app.js';

const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function sign(claims: Record<string, unknown>, secret: string): string {
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

function expectProblem(res: Response, status: number, field?: string): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
  if (field) {
    expect((res.body as { errors?: { field: string }[] }).errors?.map((e) => e.field)).toContain(
      field,
    );
  }
}

/** Sends raw bytes to the app's port and returns what comes back. */
async function raw(t: TestApp, request: string): Promise<string> {
  const server = t.app.getHttpServer();
  if (!server.listening)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}

/**
 * Hostile input answered within the contract (issue 12, items 1, 2, 5, 6 and the flood of 4):
 * tokens that never expire, deep JSON, huge or undecodable URLs, security headers, leaks.
 */
describe('hardening: hostile input gets a problem, never a 500 or an echo', () => {
  let t: TestApp;
  let user: Account;
  let secret: string;

  beforeAll(async () => {
    // At the production cost (test apps hash cheaply): the login flood below is a flood of scrypt.
    t = await startApp({ PASSWORD_HASH_COST: String(MIN_PRODUCTION_HASH_COST) });
    user = await register(t.http);
    secret = readFileSync(`${t.dataDir}/jwt-secret`, 'utf8');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a token without exp, and one issued in the future', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: user.id, iss: 'image-forge', aud: 'image-forge-api', iat: now };
    const good = sign({ ...claims, exp: now + 600 }, secret);
    await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${good}`).expect(200);
    for (const token of [
      sign(claims, secret),
      sign({ ...claims, iat: now + 3600, exp: now + 7200 }, secret),
      sign({ sub: user.id, iss: 'image-forge', aud: 'image-forge-api', exp: now + 600 }, secret),
    ]) {
      expectProblem(
        await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`),
        401,
      );
    }
  });

  it('answers deeply nested JSON with a 400 naming the body, on anonymous and private routes', async () => {
    const deep = `{"email":${'['.repeat(1500)}${']'.repeat(1500)}}`;
    for (const [path, auth] of [
      ['/api/v1/auth/login', {}],
      ['/api/v1/auth/register', {}],
      ['/api/v1/generations', user.auth],
      ['/api/v1/schedules', user.auth],
    ] as const) {
      const res = await t.http
        .post(path)
        .set(auth)
        .set('Content-Type', 'application/json')
        .send(deep);
      expectProblem(res, 400, 'body');
    }
    // Nesting inside strings is just text.
    await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'a@example.com', password: '['.repeat(100) })
      .expect(401);
  });

  it('answers long ids with a 400 naming id, without echoing them', async () => {
    for (const id of ['x'.repeat(150), 'y'.repeat(10_000)]) {
      const res = await t.http.get(`/api/v1/images/${id}`);
      expectProblem(res, 400, 'id');
      expect(JSON.stringify(res.body).length).toBeLessThan(2_000);
    }
  });

  it('answers undecodable URLs with a problem+json 400', async () => {
    for (const path of ['/api/v1/images/%', '/api/v1/images/%zz', '/api/v1/schedules/%E0%A4%A']) {
      const res = await t.http.get(path).set(user.auth);
      expectProblem(res, 400);
    }
  });

  it('answers request lines over 16 KiB with a problem+json 431 that does not echo them', async () => {
    const answer = await raw(
      t,
      `GET /api/v1/images?q=${'z'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain('application/problem+json');
    expect(answer).not.toContain('zzzz');
  });

  it('sends security headers on API responses, Swagger UI and errors', async () => {
    for (const res of [
      await t.http.get('/api/v1/images'),
      await t.http.get('/docs/'),
      await t.http.get('/api/v1/nope'),
      await t.http.get('/health/live'),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['referrer-policy']).toBeDefined();
      expect(res.headers['x-frame-options']).toBeDefined();
      expect(res.headers['strict-transport-security']).toContain('max-age=');
    }
  });

  it('sends data the headers of data, and pages those of documents', async () => {
    for (const res of [
      await t.http.get('/api/v1/images'),
      await t.http.get('/api/v1/nope'),
      await t.http.get('/health/live'),
    ]) {
      // Nothing to run or frame if a browser opens it: a JSON body or an image, never a page.
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox",
      );
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
      // helmet's headers for documents only.
      for (const name of ['cross-origin-opener-policy', 'origin-agent-cluster', 'x-xss-protection'])
        expect(res.headers[name]).toBeUndefined();
    }
    const docs = await t.http.get('/docs/');
    expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
    expect(docs.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(docs.headers['x-dns-prefetch-control']).toBe('off');
  });

  it('keeps image content and readiness answering through a flood of wrong-password logins', async () => {
    const job = await t.http.post('/api/v1/generations').set(user.auth).send({ size: '256x256' });
    const id = (job.body as { id: string }).id;
    let imageId: string | undefined;
    for (let i = 0; i < 100 && !imageId; i++) {
      const state = await t.http.get(`/api/v1/generations/${id}`).set(user.auth);
      imageId = (state.body as { imageIds: string[] }).imageIds[0];
      if (!imageId) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const flood = Array.from({ length: 16 }, (_, i) =>
      t.http.post('/api/v1/auth/login').send({
        email: i % 2 ? user.email : `nobody${i}@example.com`,
        password: 'wrong password!',
      }),
    );
    const during = await Promise.all([
      t.http.get('/health/ready'),
      t.http.get(`/api/v1/images/${imageId}/content`),
      t.http.get(`/api/v1/images/${imageId}/thumbnail`),
    ]);
    expect(during.map((res) => res.status)).toEqual([200, 200, 200]);
    const logins = await Promise.all(flood);
    expect(new Set(logins.map((res) => res.status))).toEqual(new Set([401]));
  });
});
