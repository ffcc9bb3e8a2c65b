/**
 * API keys (issue 12): made by a signed-in user, shown once, stored hashed, listed without the
 * secret, revoked at once; scopes that every route declares, enforced by the guard and shown in
 * the spec. All over HTTP, on SQLite.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { Response } from 'supertest';
import { register, startApp, type Account, type TestApp } from '../support/app.js';

interface CreatedKey {
  id: string;
  name: string;
  scopes: string[];
  key: string;
  createdAt: string;
}

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  description?: string;
  'x-required-scope'?: string;
}

const NON_ADMIN_SCOPES = ['images:read', 'images:write', 'generations:write', 'schedules:write'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** A well-formed id nobody has. */
const SAMPLE_ID = '01a200bc-4929-719e-90bf-5cd1ebf503d3';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

function expectProblem(res: Response, status: number): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
}

describe('e2e: API keys', () => {
  let t: TestApp;
  let ada: Account;
  let root: Account;
  let spec: {
    paths: Record<string, Record<string, Operation>>;
    components: { securitySchemes: Record<string, unknown> };
  };

  beforeAll(async () => {
    t = await startApp({ ADMIN_EMAILS: 'root@example.com', GENERATION_MAX_ACTIVE_PER_USER: '50' });
    ada = await register(t.http);
    root = await register(t.http, 'root@example.com');
    spec = (await t.http.get('/docs-json').expect(200)).body as typeof spec;
  });
  afterAll(async () => {
    await t?.close();
  });

  const makeKey = async (who: Account, scopes: string[], name = 'test key'): Promise<CreatedKey> =>
    (await t.http.post('/api/v1/auth/api-keys').set(who.auth).send({ name, scopes }).expect(201))
      .body as CreatedKey;

  it('shows a new key once, as ifk_<id>_<secret>, and keeps only a hash of it', async () => {
    const created = await makeKey(ada, ['images:read'], 'backup');

    expect(created).toEqual({
      id: expect.any(String),
      name: 'backup',
      scopes: ['images:read'],
      key: expect.stringMatching(new RegExp(`^ifk_${created.id}_[A-Za-z0-9_-]{43}$`)),
      createdAt: expect.any(String),
    });
    const secret = created.key.slice(`ifk_${created.id}_`.length);
    const list = await t.http.get('/api/v1/auth/api-keys').set(ada.auth).expect(200);
    expect(list.body.items).toContainEqual({
      id: created.id,
      name: 'backup',
      scopes: ['images:read'],
      prefix: `ifk_${created.id}`,
      createdAt: created.createdAt,
      lastUsedAt: null,
    });
    expect(JSON.stringify(list.body)).not.toContain(secret);
    const db = new Database(join(t.dataDir, 'image-forge.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT * FROM api_keys WHERE id = ?').get(created.id);
      expect(JSON.stringify(row)).not.toContain(secret);
    } finally {
      db.close();
    }
  });

  it('lists only my keys', async () => {
    const bob = await register(t.http);
    const mine = await makeKey(bob, ['images:read']);

    const adas = await t.http.get('/api/v1/auth/api-keys').set(ada.auth).expect(200);
    expect(adas.body.items.map((k: { id: string }) => k.id)).not.toContain(mine.id);
    const bobs = await t.http.get('/api/v1/auth/api-keys').set(bob.auth).expect(200);
    expect(bobs.body.items.map((k: { id: string }) => k.id)).toEqual([mine.id]);
    expectProblem(await t.http.delete(`/api/v1/auth/api-keys/${mine.id}`).set(ada.auth), 404);
  });

  it('works as a bearer credential within its scopes, and records its last use', async () => {
    const created = await makeKey(ada, ['images:read']);

    const me = await t.http.get('/api/v1/auth/me').set(bearer(created.key)).expect(200);
    expect(me.body).toMatchObject({ id: ada.id, email: ada.email });
    await t.http.get('/api/v1/me/images').set(bearer(created.key)).expect(200);

    const list = await t.http.get('/api/v1/auth/api-keys').set(ada.auth).expect(200);
    const used = list.body.items.find((k: { id: string }) => k.id === created.id);
    expect(Date.parse(used.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('cannot generate without generations:write (403), and can with it', async () => {
    const reader = await makeKey(ada, ['images:read']);
    const generator = await makeKey(ada, ['generations:write', 'images:read']);

    const refused = await t.http.post('/api/v1/generations').set(bearer(reader.key)).send({});
    expectProblem(refused, 403);
    expect(refused.body.detail).toContain('generations:write');
    const accepted = await t.http
      .post('/api/v1/generations')
      .set(bearer(generator.key))
      .send({})
      .expect(202);
    await t.http
      .get(`/api/v1/generations/${accepted.body.id}`)
      .set(bearer(generator.key))
      .expect(200);
  });

  it('is refused (401) from the request after it is revoked', async () => {
    const created = await makeKey(ada, ['images:read']);
    await t.http.get('/api/v1/me/images').set(bearer(created.key)).expect(200);

    await t.http.delete(`/api/v1/auth/api-keys/${created.id}`).set(ada.auth).expect(204);

    expectProblem(await t.http.get('/api/v1/me/images').set(bearer(created.key)), 401);
    const list = await t.http.get('/api/v1/auth/api-keys').set(ada.auth).expect(200);
    expect(list.body.items.map((k: { id: string }) => k.id)).not.toContain(created.id);
    expectProblem(await t.http.delete(`/api/v1/auth/api-keys/${created.id}`).set(ada.auth), 404);
  });

  it.each([
    ['a wrong secret', (key: CreatedKey) => `${key.key.slice(0, -4)}AAAA`],
    ['an unknown id', (key: CreatedKey) => key.key.replace(key.id, SAMPLE_ID)],
    ['garbage after the prefix', () => 'ifk_garbage'],
    ['a truncated key', (key: CreatedKey) => key.key.slice(0, -1)],
  ])('refuses %s with 401', async (_, forge) => {
    const created = await makeKey(ada, ['images:read']);

    expectProblem(await t.http.get('/api/v1/me/images').set(bearer(forge(created))), 401);
  });

  it('cannot manage credentials: keys, sessions and the password need a signed-in session', async () => {
    const created = await makeKey(ada, [...NON_ADMIN_SCOPES]);
    const key = bearer(created.key);

    expectProblem(
      await t.http
        .post('/api/v1/auth/api-keys')
        .set(key)
        .send({ name: 'x', scopes: ['images:read'] }),
      403,
    );
    expectProblem(await t.http.get('/api/v1/auth/api-keys').set(key), 403);
    expectProblem(await t.http.delete(`/api/v1/auth/api-keys/${created.id}`).set(key), 403);
    expectProblem(await t.http.post('/api/v1/auth/logout').set(key), 403);
    expectProblem(await t.http.post('/api/v1/auth/logout-all').set(key), 403);
    expectProblem(
      await t.http
        .post('/api/v1/auth/password')
        .set(key)
        .send({ currentPassword: 'correct horse battery', newPassword: 'hijacked password' }),
      403,
    );
    await t.http.get('/api/v1/me/images').set(key).expect(200);
  });

  it('gives the admin scope to admins only', async () => {
    const refused = await t.http
      .post('/api/v1/auth/api-keys')
      .set(ada.auth)
      .send({ name: 'sneaky', scopes: ['admin'] });
    expectProblem(refused, 400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain('scopes');

    const adminKey = await makeKey(root, ['admin']);
    const readKey = await makeKey(root, ['images:read']);
    await t.http.get('/api/v1/admin/users').set(bearer(adminKey.key)).expect(200);
    expectProblem(await t.http.get('/api/v1/admin/users').set(bearer(readKey.key)), 403);
  });

  it.each([
    ['no name', { scopes: ['images:read'] }, 'name'],
    ['no scopes', { name: 'x', scopes: [] }, 'scopes'],
    ['an unknown scope', { name: 'x', scopes: ['images:delete'] }, 'scopes'],
    ['a scope twice', { name: 'x', scopes: ['images:read', 'images:read'] }, 'scopes'],
  ])('refuses a key with %s, naming the field', async (_, body, field) => {
    const res = await t.http.post('/api/v1/auth/api-keys').set(ada.auth).send(body);
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  describe('the spec', () => {
    const operations = () =>
      Object.entries(spec.paths).flatMap(([path, item]) =>
        METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m] })),
      );

    it('has an apiKey scheme saying keys start with ifk_', () => {
      expect(spec.components.securitySchemes.apiKey).toMatchObject({
        type: 'http',
        scheme: 'bearer',
        description: expect.stringContaining('ifk_'),
      });
    });

    it('shows on every authenticated operation which credentials it takes and the scope a key needs', () => {
      for (const { method, path, op } of operations()) {
        const security = op.security ?? [];
        const where = `${method.toUpperCase()} ${path}`;
        if (security.length === 0) continue; // anonymous
        const scope = op['x-required-scope'];
        if (scope === undefined) {
          // Session-only: credentials management.
          expect({ where, security }).toEqual({ where, security: [{ bearer: [] }] });
          expect(op.description).toContain('API keys get 403');
          continue;
        }
        const optional = security.some((need) => Object.keys(need).length === 0);
        expect({ where, security }).toEqual({
          where,
          security: optional
            ? [{}, { bearer: [] }, { apiKey: [] }]
            : [{ bearer: [] }, { apiKey: [] }],
        });
        expect({ where, says: op.description?.includes(`\`${scope}\``) }).toEqual({
          where,
          says: true,
        });
      }
      expect(
        operations().filter(({ op }) => op['x-required-scope'] !== undefined).length,
      ).toBeGreaterThanOrEqual(20);
    });

    it('is what the guard does: a key with the scope gets through, a key with every other scope gets 403', async () => {
      const carol = await register(t.http);
      const byScope = new Map<string, CreatedKey>();
      for (const scope of NON_ADMIN_SCOPES) byScope.set(scope, await makeKey(carol, [scope]));
      const others = new Map<string, CreatedKey>();
      for (const scope of NON_ADMIN_SCOPES) {
        others.set(
          scope,
          await makeKey(
            carol,
            NON_ADMIN_SCOPES.filter((s) => s !== scope),
          ),
        );
      }
      const checked: string[] = [];
      for (const { method, path, op } of operations()) {
        const scope = op['x-required-scope'];
        if (!scope || scope === 'admin') continue;
        const url = path.replace(/\{[^}]+\}/g, SAMPLE_ID);
        const send = (key: CreatedKey) =>
          t.http[method](url)
            .set(bearer(key.key))
            .send(method === 'get' || method === 'delete' ? undefined : {});
        const allowed = await send(byScope.get(scope)!);
        expect({ op: op.operationId, status: allowed.status }).not.toEqual({
          op: op.operationId,
          status: 403,
        });
        expect({ op: op.operationId, status: allowed.status }).not.toEqual({
          op: op.operationId,
          status: 401,
        });
        const refused = await send(others.get(scope)!);
        expect({ op: op.operationId, status: refused.status }).toEqual({
          op: op.operationId,
          status: 403,
        });
        checked.push(op.operationId);
      }
      expect(checked.length).toBeGreaterThanOrEqual(18);
    });
  });
});
