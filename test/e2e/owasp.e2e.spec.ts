import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { EnvironmentVariables } from '../../src/config/env.schema.js';
import { startApp, type TestApp } from '../support/app.js';
import { ContractOracle, type Finding } from '../support/fuzz/oracle.js';
import {
  idCollection,
  loadCommittedSpec,
  operationsOf,
  resolve,
  type Operation,
} from '../support/fuzz/spec.js';
import { forgedAuthorizations } from '../support/fuzz/tokens.js';
import { buildWorld, worldEnv, type Member, type World } from '../support/fuzz/world.js';

/**
 * The OWASP API Security Top 10 (2023) as tests, driven by the committed spec: each rule runs over
 * every operation the spec lists that it concerns, so a new route is covered the day it appears.
 *
 * - API1 object-level authorization, API2 authentication, API3 property-level authorization,
 *   API4 resource consumption, API5 function-level authorization: below.
 * - API6 sensitive business flows: sign-up and sign-in throttling in `throttle.e2e.spec.ts`; the
 *   per-user job cap and daily quota under API4 here.
 * - API7 server-side request forgery: `ssrf.e2e.spec.ts` (provider downloads).
 * - API8 security misconfiguration: `hardening.e2e.spec.ts` (headers, hostile input), `cors.e2e.spec.ts`.
 * - API9 inventory: `openapi.e2e.spec.ts` (the served spec is the committed one), and the contract
 *   fuzz (`fuzz.e2e.spec.ts`) holds every operation to it.
 * - API10 unsafe consumption of APIs: `provider-failures.e2e.spec.ts`, `ssrf.e2e.spec.ts`.
 */
const doc = loadCommittedSpec();
const operations = operationsOf(doc);
const BODY_LIMIT = 64 * 1024;

const isAdminOnly = (op: Operation) => op.scope === 'admin' || op.tags.includes('admin');
const withId = operations.filter((op) => op.path.includes('{') && !isAdminOnly(op));
const secured = operations.filter((op) => op.access !== 'anonymous');
const adminOnly = operations.filter(isAdminOnly);
const label = (op: Operation) => `${op.operationId} (${op.method.toUpperCase()} ${op.path})`;

let t: TestApp;
let world: World;
let oracle: ContractOracle;
/** What every response of this suite showed that it must not (API3). */
const leaks: (Finding & { where: string })[] = [];

/** Sends `op` as `who` (a member, a raw Authorization value, or nobody), on `id`. */
async function send(
  op: Operation,
  options: { as?: Member | string; id?: string; body?: unknown; query?: string } = {},
): Promise<Response> {
  const path = op.path.replace(/\{[^}]+\}/g, options.id ?? '');
  let req = t.http[op.method as 'get'](options.query ? `${path}?${options.query}` : path);
  const auth = typeof options.as === 'string' ? options.as : options.as?.auth.Authorization;
  if (auth) req = req.set('Authorization', auth);
  const body = options.body ?? (op.body ? (op.body.examples[0] ?? {}) : undefined);
  const res = await (body === undefined ? req : req.send(body));
  const text = res.text ?? (Buffer.isBuffer(res.body) ? res.body.toString('latin1') : '');
  const where = `${op.operationId} → ${res.status}`;
  leaks.push(...oracle.leaks(text).map((finding) => ({ ...finding, where })));
  if (/json/.test(String(res.headers['content-type']))) {
    leaks.push(...oracle.secretKeys(res.body).map((finding) => ({ ...finding, where })));
  }
  // Blob keys and absolute paths: storage's own names, never a client's business.
  if (/(images|thumbnails)\/\d{4}\/\d{2}\//.test(text)) {
    leaks.push({ rule: 'leak', detail: 'a blob key', where });
  }
  if (/(^|["'\s(=:])\/(tmp|var|srv|home|work|root|etc|usr|opt|mnt)\//.test(text)) {
    leaks.push({ rule: 'leak', detail: 'an absolute path', where });
  }
  return res;
}

function expectProblem(res: Response, status: number, where: string): void {
  expect({ where, status: res.status, type: String(res.headers['content-type']) }).toEqual({
    where,
    status,
    type: expect.stringContaining('application/problem+json'),
  });
}

/** The credential was accepted: whatever the answer, it is not a 401 or a 403. */
function expectAllowed(res: Response, where: string): void {
  expect({ where, refused: [401, 403].includes(res.status) }).toEqual({ where, refused: false });
}

/** `it.each` over operations, named by their label; a skipped case when the spec has none. */
function eachOf(ops: Operation[]) {
  const cases = ops.map((op) => [label(op), op] as const);
  return cases.length > 0
    ? it.each(cases)
    : it.skip.each([
        ['(no such operation in the spec)', undefined as unknown as Operation] as const,
      ]);
}

/** Any valid UUIDv7 no object has. */
const MISSING = '0192f3a4-7b1c-7d2e-8f90-1a2b3c4d5e6f';

beforeAll(async () => {
  t = await startApp(worldEnv());
  world = await buildWorld(t, doc);
  oracle = new ContractOracle(doc, { dataDir: world.dataDir, values: [world.jwtSecret] });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('API1: object-level authorization', () => {
  it('has objects of every collection an {id} route names', () => {
    expect(world.uncovered).toEqual([]);
  });

  eachOf(withId)(
    "%s: another user's private object and a missing one are both 404, alike",
    async (_, op) => {
      const pool = world.ids.get(idCollection(op.path)!)!;
      const foreign = pool.others.filter((id) => !world.publicIds.has(id));
      expect(foreign.length).toBeGreaterThan(0);
      const missing = await send(op, { as: world.owner, id: MISSING });
      expectProblem(missing, 404, `${op.operationId} missing`);
      for (const id of foreign) {
        const res = await send(op, { as: world.owner, id });
        expectProblem(res, 404, `${op.operationId} foreign`);
        // Nothing tells "exists but not yours" from "does not exist".
        expect({ code: res.body.code, detail: res.body.detail }).toEqual({
          code: missing.body.code,
          detail: missing.body.detail,
        });
      }
    },
  );

  eachOf(withId.filter((op) => op.method !== 'get'))(
    "%s: another user's public object cannot be changed either (404)",
    async (_, op) => {
      const pool = world.ids.get(idCollection(op.path)!)!;
      for (const id of pool.others.filter((other) => world.publicIds.has(other))) {
        expectProblem(await send(op, { as: world.owner, id }), 404, op.operationId);
      }
    },
  );

  it("leaves the other user's objects as they were", async () => {
    for (const op of withId.filter((candidate) => candidate.method === 'get')) {
      const pool = world.ids.get(idCollection(op.path)!)!;
      for (const id of pool.others) {
        const res = await send(op, { as: world.other, id });
        expect({ op: op.operationId, id, status: res.status }).toEqual({
          op: op.operationId,
          id,
          status: 200,
        });
      }
    }
  });

  const lists = operations.filter((op) => {
    if (op.method !== 'get' || op.path.includes('{') || isAdminOnly(op)) return false;
    const ok = op.responses['200']?.content?.['application/json']?.schema;
    return resolve(doc, ok).properties?.items !== undefined;
  });

  eachOf(lists)("%s: lists none of another user's private objects", async (_, op) => {
    const foreign = new Set(
      [...world.ids.values()]
        .flatMap((pool) => pool.others)
        .filter((id) => !world.publicIds.has(id)),
    );
    const limit = op.parameters.some((p) => p.name === 'limit') ? 'limit=100' : undefined;
    const res = await send(op, {
      as: op.access === 'anonymous' ? undefined : world.owner,
      query: limit,
    });
    expect(res.status).toBe(200);
    const listed = (res.body.items as { id?: string; jobId?: string }[]).map(
      (item) => item.id ?? item.jobId,
    );
    expect(listed.filter((id) => id !== undefined && foreign.has(id))).toEqual([]);
  });
});

describe('API2: authentication', () => {
  const cases = () =>
    Object.entries(forgedAuthorizations({ userId: world.owner.id, jwtSecret: world.jwtSecret }));

  eachOf(secured)(
    '%s: every forged, expired, never-expiring or malformed credential is a 401',
    async (_, op) => {
      const pool = world.ids.get(idCollection(op.path) ?? '');
      const id = pool?.mine[0] ?? MISSING;
      for (const [what, authorization] of cases()) {
        if (op.access === 'optional' && authorization === '') continue; // anonymous is allowed
        const res = await send(op, { as: authorization || undefined, id });
        expectProblem(res, 401, `${op.operationId} with ${what}`);
      }
    },
  );

  it('accepts the genuine token on every secured operation (the 401s above are the forgeries)', async () => {
    for (const op of secured.filter((candidate) => !isAdminOnly(candidate))) {
      if (world.disposable.has(op.operationId)) continue; // would end the owner's session
      const pool = world.ids.get(idCollection(op.path) ?? '');
      const res = await send(op, {
        as: world.owner,
        id: op.method === 'delete' ? pool?.expendable[0] : pool?.mine[0],
      });
      expect({ op: op.operationId, status: res.status }).not.toEqual({
        op: op.operationId,
        status: 401,
      });
    }
  });
});

describe('API3: object property-level authorization', () => {
  const withBody = operations.filter((op) => op.body);

  eachOf(withBody)(
    '%s: properties a client may not set are refused, not ignored or applied',
    async (_, op) => {
      const schema = resolve(doc, op.body!.schema);
      const base = (op.body!.examples[0] ?? {}) as Record<string, unknown>;
      const pool = world.ids.get(idCollection(op.path) ?? '');
      const who = isAdminOnly(op) ? world.admin : world.owner;
      for (const property of ['ownerId', 'userId', 'role', 'id', 'passwordHash', 'createdAt']) {
        if (schema.properties?.[property]) continue;
        const res = await send(op, {
          as: op.access === 'anonymous' ? undefined : who,
          id: pool?.mine[0],
          body: { ...base, [property]: property === 'role' ? 'admin' : world.other.id },
        });
        expectProblem(res, 400, `${op.operationId} with ${property}`);
        expect(JSON.stringify(res.body.errors)).toContain(property);
      }
    },
  );

  it('shows no hash, key, secret, blob key or path in a response of every readable operation', async () => {
    for (const op of operations.filter((candidate) => candidate.method === 'get')) {
      const pool = world.ids.get(idCollection(op.path) ?? '');
      const who = isAdminOnly(op) ? world.admin : world.owner;
      await send(op, { as: op.access === 'anonymous' ? undefined : who, id: pool?.mine[0] });
    }
  });
});

describe('API4: resource consumption', () => {
  eachOf(operations.filter((op) => op.body))(
    '%s: a body over BODY_LIMIT_BYTES is a 413 before anything else',
    async (_, op) => {
      const pool = world.ids.get(idCollection(op.path) ?? '');
      const res = await send(op, {
        as: world.owner,
        id: pool?.mine[0],
        body: { prompt: 'p'.repeat(BODY_LIMIT + 1) },
      });
      expectProblem(res, 413, op.operationId);
    },
  );

  const paged = operations.filter((op) => op.parameters.some((p) => p.name === 'limit'));

  eachOf(paged)('%s: `limit` has a maximum, and one more is a 400 naming it', async (_, op) => {
    const max = resolve(doc, op.parameters.find((p) => p.name === 'limit')!.schema).maximum;
    expect(max).toBeDefined();
    const pool = world.ids.get(idCollection(op.path) ?? '');
    const who = isAdminOnly(op) ? world.admin : world.owner;
    const over = await send(op, { as: who, id: pool?.mine[0], query: `limit=${max! + 1}` });
    expectProblem(over, 400, op.operationId);
    expect(JSON.stringify(over.body.errors)).toContain('limit');
    const atMax = await send(op, { as: who, id: pool?.mine[0], query: `limit=${max}` });
    expect(atMax.status).toBe(200);
    expect((atMax.body.items as unknown[]).length).toBeLessThanOrEqual(max!);
  });
});

describe('API5: function-level authorization', () => {
  eachOf(adminOnly)(
    '%s: a user gets 403, nobody gets 401, an admin gets through',
    async (_, op) => {
      const pool = world.ids.get(idCollection(op.path) ?? '');
      const id = pool?.mine[0] ?? MISSING;
      expectProblem(await send(op, { as: world.owner, id }), 403, `${op.operationId} as a user`);
      expectProblem(await send(op, { id }), 401, `${op.operationId} anonymous`);
      expectAllowed(await send(op, { as: world.admin, id }), `${op.operationId} as an admin`);
    },
  );

  const createKey = operations.find((op) => op.method === 'post' && op.path.endsWith('/api-keys'));
  const scoped = operations.filter((op) => op.scope && op.scope !== 'admin');
  const sessionOnly = secured.filter(
    (op) => !(op.raw.security ?? []).some((need) => 'apiKey' in need),
  );

  it('sends an API key only where the operation lists it, with the scope it names', async () => {
    if (!createKey) return; // no API keys in this spec
    const scopeSchema = resolve(doc, resolve(doc, createKey.body!.schema).properties?.scopes);
    const scopes = (resolve(doc, scopeSchema.items).enum ?? []) as string[];
    const userScopes = scopes.filter((scope) => scope !== 'admin');
    // One key per set of scopes (an account holds at most a few dozen keys).
    const keys = new Map<string, Promise<string>>();
    const keyWith = (granted: string[]): Promise<string> => {
      const name = granted.join(' ');
      if (!keys.has(name)) keys.set(name, makeKey(granted));
      return keys.get(name)!;
    };
    const makeKey = async (granted: string[]): Promise<string> => {
      const res = await send(createKey, {
        as: world.owner,
        body: { name: `owasp ${granted.join(' ') || 'none'}`, scopes: granted },
      });
      expect(res.status).toBeLessThan(300);
      const secret = Object.values(res.body as Record<string, unknown>).find(
        (value) => typeof value === 'string' && value.startsWith('ifk_'),
      );
      return `Bearer ${String(secret)}`;
    };
    const all = await keyWith(userScopes);
    for (const op of scoped) {
      const pool = world.ids.get(idCollection(op.path) ?? '');
      const id = pool?.mine[0] ?? MISSING;
      const without = await keyWith(userScopes.filter((scope) => scope !== op.scope));
      expectProblem(
        await send(op, { as: without, id }),
        403,
        `${op.operationId} without ${op.scope}`,
      );
      const granted = await send(op, {
        as: all,
        id: op.method === 'delete' ? pool?.expendable[0] : id,
      });
      expectAllowed(granted, `${op.operationId} with ${op.scope}`);
    }
    for (const op of sessionOnly) {
      const pool = world.ids.get(idCollection(op.path) ?? '');
      expectProblem(
        await send(op, { as: all, id: pool?.mine[0] ?? MISSING }),
        403,
        `${op.operationId} with an API key`,
      );
    }
  });
});

describe('API3 (all of the above): what every response showed', () => {
  it('no response of this suite held a hash, key, secret, blob key or absolute path', () => {
    expect(leaks).toEqual([]);
  });
});

// Last: it starts a second app, and passport's strategies are process-wide (the second app's
// JwtStrategy, with its own secret, replaces the first one's), so the world's app is done by then.
describe('API4 (continued): the per-user generation caps', () => {
  let capped: TestApp;
  const hasDailyQuota = 'DAILY_IMAGE_QUOTA' in new EnvironmentVariables();

  beforeAll(async () => {
    capped = await startApp({
      GENERATION_MAX_ACTIVE_PER_USER: '1',
      OFFLINE_LATENCY_MS: '600000',
      ...(hasDailyQuota ? { DAILY_IMAGE_QUOTA: '1' } : {}),
    });
  });
  afterAll(async () => {
    await capped?.close();
  });

  it('answers 429 with Retry-After past the per-user caps', async () => {
    const res = await capped.http
      .post('/api/v1/auth/register')
      .send({ email: 'capped@example.com', password: 'correct horse battery' });
    const auth = { Authorization: `Bearer ${res.body.accessToken as string}` };
    await capped.http.post('/api/v1/generations').set(auth).send({ size: '256x256' }).expect(202);
    const refused = await capped.http
      .post('/api/v1/generations')
      .set(auth)
      .send({ size: '256x256' });
    expectProblem(refused, 429, 'createGeneration');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });
});
