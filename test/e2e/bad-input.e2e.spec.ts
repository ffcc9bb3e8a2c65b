import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { register, startApp, type Account, type TestApp } from '../support/app.js';
import { SpecConformance, type OpenApiDocument } from '../support/openapi.js';

/** A problem+json 4xx that names `field` (and nothing ever 5xx). */
function expectProblem(res: Response, status: number, field?: string): void {
  expect({ status: res.status, type: String(res.headers['content-type']).split(';')[0] }).toEqual({
    status,
    type: 'application/problem+json',
  });
  expect(res.body).toMatchObject({
    status,
    type: expect.stringMatching(/^urn:image-forge:problem:/),
    title: expect.any(String),
    detail: expect.any(String),
  });
  if (field) expect(res.body.errors?.map((e: { field: string }) => e.field)).toContain(field);
}

const base64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function signToken(
  claims: object,
  secret: string,
  header: object = { alg: 'HS256', typ: 'JWT' },
): string {
  const unsigned = `${base64url(header)}.${base64url(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('e2e: bad input gets a 4xx problem naming the field, and writes nothing', () => {
  let t: TestApp;
  let spec: SpecConformance;
  let user: Account;

  beforeAll(async () => {
    t = await startApp({ BODY_LIMIT_BYTES: '4096', GENERATION_MAX_ACTIVE_PER_USER: '3' });
    spec = new SpecConformance((await t.http.get('/docs-json')).body as OpenApiDocument);
    user = await register(t.http);
  });
  afterAll(() => t.close());

  const generate = (body: unknown) =>
    t.http
      .post('/api/v1/generations')
      .set(user.auth)
      .send(body as object);

  it.each([
    ['colour', { colour: 'red' }],
    ['n', { n: 'two' }],
    ['n', { n: 0 }],
    ['n', { n: 2.5 }],
    ['n', { n: 5 }],
    ['seed', { seed: -1 }],
    ['seed', { seed: 2 ** 40 }],
    ['size', { size: 'big' }],
    ['size', { size: '64x64' }],
    ['provider', { provider: 'nope' }],
    ['model', { model: 'dall-e-9' }],
    ['visibility', { visibility: 'secret' }],
    ['tags', { tags: 'one' }],
    ['tags', { tags: ['ok', 'no/slash'] }],
    ['prompt', { prompt: '' }],
    ['prompt', { prompt: 'x'.repeat(4001) }],
    ['prompt', { strategy: 'literal' }],
    ['prompt', { strategy: 'random', prompt: 'a cat' }],
    ['strategy', { strategy: 'psychic' }],
    ['theme', { theme: 42 }],
    [undefined, [1, 2]],
  ])('POST /generations → 400 naming %s (case %#)', async (field, body) => {
    const res = await generate(body);
    expectProblem(res, 400, field);
    spec.check(res);
  });

  it('refuses malformed JSON, oversized bodies and other content types', async () => {
    const malformed = await t.http
      .post('/api/v1/generations')
      .set(user.auth)
      .set('Content-Type', 'application/json')
      .send('{"n": 1,');
    expectProblem(malformed, 400, 'body');

    const huge = await generate({ prompt: 'x'.repeat(5000) });
    expectProblem(huge, 413, 'body');

    const text = await t.http
      .post('/api/v1/generations')
      .set(user.auth)
      .set('Content-Type', 'text/plain')
      .send('hello');
    expectProblem(text, 415, 'content-type');
  });

  it.each([
    ['limit', 'limit=0'],
    ['limit', 'limit=101'],
    ['limit', 'limit=abc'],
    ['cursor', 'cursor=not-a-cursor'],
    ['cursor', `cursor=${base64url('2026-01-01T00:00:00.000Z|x')}`],
    ['from', 'from=yesterday'],
    ['to', 'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z'],
    ['q', 'q=' + 'x'.repeat(201)],
    ['tag', 'tag=a%2Fb'],
    ['sort', 'sort=asc'],
  ])('GET /images → 400 naming %s (case %#)', async (field, query) => {
    const res = await t.http.get(`/api/v1/images?${query}`);
    expectProblem(res, 400, field);
    spec.check(res);
  });

  it('refuses ids that are not ids, and bad job filters', async () => {
    expectProblem(await t.http.get('/api/v1/images/123'), 400, 'id');
    expectProblem(await t.http.get('/api/v1/images/../../etc/passwd'), 404);
    expectProblem(await t.http.get('/api/v1/generations/abc').set(user.auth), 400, 'id');
    expectProblem(
      await t.http.get('/api/v1/generations?status=done').set(user.auth),
      400,
      'status',
    );
    expectProblem(
      await t.http
        .patch('/api/v1/images/01a200bc-4929-719e-90bf-5cd1ebf503d3')
        .set(user.auth)
        .send({}),
      400,
      'body',
    );
  });

  it('validates accounts: e-mail, password, duplicates, wrong credentials', async () => {
    expectProblem(
      await t.http.post('/api/v1/auth/register').send({ email: 'nope', password: 'long enough' }),
      400,
      'email',
    );
    expectProblem(
      await t.http
        .post('/api/v1/auth/register')
        .send({ email: 'ok@example.com', password: 'short' }),
      400,
      'password',
    );
    expectProblem(
      await t.http.post('/api/v1/auth/register').send({ email: 'ok@example.com' }),
      400,
      'password',
    );
    expectProblem(
      await t.http
        .post('/api/v1/auth/register')
        .send({ email: user.email.toUpperCase(), password: 'long enough' }),
      409,
      'email',
    );
    const wrong = await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: 'not the password' });
    expectProblem(wrong, 401);
    spec.check(wrong);
    expectProblem(
      await t.http
        .post('/api/v1/auth/login')
        .send({ email: 'nobody@example.com', password: 'whatever1' }),
      401,
    );
  });

  it('refuses missing, malformed, forged, expired and alg-none tokens', async () => {
    const secret = (await import('node:fs')).readFileSync(`${t.dataDir}/jwt-secret`, 'utf8');
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: user.id,
      iss: 'image-forge',
      aud: 'image-forge-api',
      iat: now,
      exp: now + 600,
    };
    // The real secret signs a token the API accepts: proof the others fail for their flaw alone.
    await t.http
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${signToken(claims, secret)}`)
      .expect(200);

    const cases: [string, Record<string, string>][] = [
      ['no token', {}],
      ['not a JWT', { Authorization: 'Bearer not-a-jwt' }],
      ['not bearer', { Authorization: `Basic ${base64url('a:b')}` }],
      ['wrong secret', { Authorization: `Bearer ${signToken(claims, 'x'.repeat(48))}` }],
      ['expired', { Authorization: `Bearer ${signToken({ ...claims, exp: now - 60 }, secret)}` }],
      [
        'wrong audience',
        { Authorization: `Bearer ${signToken({ ...claims, aud: 'other' }, secret)}` },
      ],
      [
        'wrong issuer',
        { Authorization: `Bearer ${signToken({ ...claims, iss: 'other' }, secret)}` },
      ],
      [
        'alg none',
        { Authorization: `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.` },
      ],
      [
        'HS512',
        { Authorization: `Bearer ${signToken(claims, secret, { alg: 'HS512', typ: 'JWT' })}` },
      ],
      [
        'unknown user',
        {
          Authorization: `Bearer ${signToken({ ...claims, sub: '01a200bc-4929-719e-90bf-5cd1ebf503d3' }, secret)}`,
        },
      ],
    ];
    for (const [name, headers] of cases) {
      const res = await t.http.get('/api/v1/auth/me').set(headers);
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expectProblem(res, 401);
    }
    // A bad token where a token is optional (an image's metadata and bytes) is refused too,
    // rather than silently ignored. Anonymous routes (`security: []`) ignore credentials.
    expectProblem(
      await t.http
        .get('/api/v1/images/01a200bc-4929-719e-90bf-5cd1ebf503d3')
        .set('Authorization', 'Bearer nope'),
      401,
    );
  });

  it('honours Idempotency-Key: a retry returns the first job; another body with it is a 409', async () => {
    const first = await generate({ size: '256x256' }).set('Idempotency-Key', 'order-1').expect(202);
    const retry = await generate({ size: '256x256' }).set('Idempotency-Key', 'order-1').expect(202);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expectProblem(
      await generate({ size: '512x512' }).set('Idempotency-Key', 'order-1'),
      409,
      'Idempotency-Key',
    );
    expectProblem(
      await generate({}).set('Idempotency-Key', 'x'.repeat(300)),
      400,
      'Idempotency-Key',
    );
    // Another user's identical key is their own.
    const other = await register(t.http);
    const theirs = await t.http
      .post('/api/v1/generations')
      .set(other.auth)
      .send({ size: '256x256' })
      .set('Idempotency-Key', 'order-1')
      .expect(202);
    expect(theirs.body.id).not.toBe(first.body.id);
  });

  it('limits active jobs per user with a 429', async () => {
    const other = await register(t.http);
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await t.http.post('/api/v1/generations').set(other.auth).send({ n: 4 });
      codes.push(res.status);
      if (res.status === 429) {
        expectProblem(res, 429);
        spec.check(res);
      }
    }
    expect(codes).toContain(429);
  });

  it('wrote nothing for any refused request', async () => {
    const jobs = await t.http.get('/api/v1/generations').set(user.auth).expect(200);
    // Only the one idempotent job was ever accepted for this user.
    expect(jobs.body.items).toHaveLength(1);
  });
});
