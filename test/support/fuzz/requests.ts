import { hashString, Rng } from '../../../src/prompts/seeded-random.js';
import { idCollection, type Operation, type Parameter, type SpecDocument } from './spec.js';
import { forgedAuthorizations } from './tokens.js';
import {
  hostileString,
  hugeString,
  invalidValue,
  nested,
  sampleRegex,
  validValue,
  wrongType,
} from './values.js';
import type { Member, World } from './world.js';

/** One request of the fuzz, as sent; `kind` says what it tries (for the report). */
export interface FuzzRequest {
  readonly operationId: string;
  readonly index: number;
  readonly kind: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string | Buffer;
}

interface Draft {
  kind: string;
  params: Record<string, string>;
  query: [string, string][];
  rawQuery?: string;
  headers: Record<string, string>;
  body?: unknown;
  /** The body as sent, when it is not JSON of `body`. */
  raw?: string | Buffer;
  noBody?: boolean;
}

interface Context {
  readonly doc: SpecDocument;
  readonly world: World;
  readonly op: Operation;
  readonly rng: Rng;
  readonly bodyLimit: number;
}

/** A UUIDv7-shaped id no object has: made from the seeded sequence, so a request reproduces. */
function unusedId(rng: Rng): string {
  const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-7${hex(3)}-${rng.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
}

const BAD_IDS = [
  'x',
  '1',
  '-1',
  '0',
  'null',
  'undefined',
  '00000000-0000-0000-0000-000000000000',
  'f47ac10b-58cc-4372-a567-0e02b2c3d479', // a UUIDv4
  '0192F3A4-7B1C-7D2E-8F90-1A2B3C4D5E6F', // upper case
  '{0192f3a4-7b1c-7d2e-8f90-1a2b3c4d5e6f}',
  '0192f3a4-7b1c-7d2e-8f90-1a2b3c4d5e6f%20',
  '%2e%2e',
  '..%2f..%2fetc%2fpasswd',
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  "'%20OR%201=1",
  '$where',
];

/** The path segment of an id: encoded, except where the id is an encoding trick itself. */
function idSegment(value: string, rng: Rng): string {
  if (BAD_IDS.includes(value)) return value;
  try {
    return encodeURIComponent(value);
  } catch {
    // Lone surrogates: their CESU-8 bytes, which are not valid UTF-8.
    return rng.pick(['%ED%A0%80', '%ED%BF%BF', '%F4%90%80%80']);
  }
}

function encodeQueryValue(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

/** Only characters a header may carry reach the wire (the rest are for bodies and URLs). */
function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e]/g, '?');
}

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One of the owner's objects: one to spare for an operation that deletes. */
function pickId(ctx: Context, param: Parameter): string {
  const pool = ctx.world.ids.get(idCollection(ctx.op.path) ?? param.name);
  const ids = ctx.op.method === 'delete' && pool?.expendable.length ? pool.expendable : pool?.mine;
  if (!ids?.length) return unusedId(ctx.rng);
  return ctx.rng.chance(0.9) ? ctx.rng.pick(ids) : unusedId(ctx.rng);
}

/** Who a request acts as, as the operation wants it: its admin, its throwaway sessions, the owner. */
function actor(ctx: Context): Member | undefined {
  const { op, world, rng } = ctx;
  if (op.access === 'anonymous') return undefined;
  if (op.access === 'optional' && rng.chance(0.3)) return undefined;
  if (op.scope === 'admin' || op.tags.includes('admin')) return world.admin;
  const disposable = world.disposable.get(op.operationId);
  if (disposable) return rng.pick(disposable);
  return world.owner;
}

function baseDraft(ctx: Context, minimal: boolean): Draft {
  const { op, rng, doc, world } = ctx;
  const draft: Draft = { kind: 'valid', params: {}, query: [], headers: {} };
  for (const param of op.parameters) {
    if (param.in === 'path') {
      draft.params[param.name] = pickId(ctx, param);
    } else if (param.in === 'query') {
      if (!param.required && (minimal || !rng.chance(0.4))) continue;
      const value = validValue(doc, param.schema, rng, world.vocabulary, param.name);
      for (const one of Array.isArray(value) ? value : [value]) {
        draft.query.push([param.name, stringify(one)]);
      }
    } else if (param.in === 'header') {
      if (!param.required && (minimal || !rng.chance(0.3))) continue;
      const value =
        param.schema?.pattern !== undefined
          ? (sampleRegex(param.schema.pattern, rng) ?? stringify(param.schema.example ?? 'x'))
          : stringify(validValue(doc, param.schema, rng, world.vocabulary, param.name));
      draft.headers[param.name] = headerSafe(value);
    }
  }
  const who = actor(ctx);
  if (who) draft.headers.Authorization = `Bearer ${who.token}`;
  if (op.body) {
    const { examples, schema, required } = op.body;
    if (!required && rng.chance(minimal ? 0.8 : 0.15)) draft.noBody = true;
    else if (examples.length > 0 && rng.chance(0.5))
      draft.body = structuredClone(rng.pick(examples));
    else draft.body = validValue(doc, schema, rng, world.vocabulary, undefined);
  }
  return draft;
}

/** A property of the body to aim at: one the schema names, or sometimes a new one. */
function bodyTarget(ctx: Context, draft: Draft): { body: Record<string, unknown>; key: string } {
  const { rng, op, doc } = ctx;
  const body =
    draft.body && typeof draft.body === 'object' && !Array.isArray(draft.body)
      ? (draft.body as Record<string, unknown>)
      : {};
  draft.body = body;
  draft.noBody = false;
  const schema = op.body?.schema.$ref
    ? doc.components?.schemas?.[op.body.schema.$ref.replace('#/components/schemas/', '')]
    : op.body?.schema;
  const keys = Object.keys(schema?.properties ?? {});
  const key = keys.length > 0 && rng.chance(0.9) ? rng.pick(keys) : rng.pick(['extra', 'x']);
  return { body, key };
}

function propertySchema(ctx: Context, key: string) {
  const schema = ctx.op.body?.schema.$ref
    ? ctx.doc.components?.schemas?.[ctx.op.body.schema.$ref.replace('#/components/schemas/', '')]
    : ctx.op.body?.schema;
  return schema?.properties?.[key];
}

const RAW_BODIES: (string | Buffer)[] = [
  '{',
  '{"a":',
  '}',
  'null',
  '[]',
  '"text"',
  '42',
  'true',
  '{"a":1}{"b":2}',
  '\ufeff{}',
  '{"visibility":"public","visibility":"private"}',
  '{"__proto__":{"role":"admin"}}',
  '{"constructor":{"prototype":{"role":"admin"}}}',
  '{"n":NaN}',
  '{"n":1e999}',
  `{"n":${'9'.repeat(5000)}}`,
  "{'single':'quotes'}",
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"a":"\\x41"}',
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), // invalid UTF-8
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), // CESU surrogate
  Buffer.from('{"prompt":"koi"}', 'utf16le'),
  Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
  Buffer.alloc(64, 0),
];

const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/merge-patch+json',
  'application/vnd.api+json',
  'application/json, text/plain',
  'application/octet-stream',
  'image/png',
  '',
  ';;;',
  'application/json; boundary=--',
];

const ODD_HEADERS: [string, () => string][] = [
  ['Accept', () => 'application/xml'],
  ['Accept', () => 'text/html;q=0.9, */*;q=0'],
  ['Accept-Encoding', () => 'gzip, deflate, br, zstd'],
  ['Accept-Language', () => 'x'.repeat(4000)],
  ['X-Request-Id', () => 'x'.repeat(3000)],
  ['X-Request-Id', () => '../../etc/passwd'],
  ['Range', () => 'bytes=0-0'],
  ['Range', () => 'bytes=5-1'],
  ['Range', () => 'bytes=-0'],
  ['Range', () => 'bytes=0-1,3-4'],
  ['Range', () => 'bytes=999999999999-'],
  ['Range', () => 'items=0-10'],
  ['Range', () => 'bytes=--1'],
  ['If-None-Match', () => '*'],
  ['If-None-Match', () => 'W/"weak"'],
  ['If-None-Match', () => '"x", "y", garbage'],
  ['If-Modified-Since', () => 'yesterday'],
  ['Idempotency-Key', () => ''],
  ['Idempotency-Key', () => 'has space'],
  ['Idempotency-Key', () => 'k'.repeat(300)],
  ['Content-Encoding', () => 'gzip'],
  ['Content-Encoding', () => 'br, identity'],
  ['X-HTTP-Method-Override', () => 'DELETE'],
  ['X-Forwarded-For', () => '127.0.0.1, 10.0.0.1'],
  ['X-Forwarded-Host', () => 'evil.example.net'],
  ['Origin', () => 'https://evil.example.net'],
  ['Cookie', () => 'session=x; refresh=%zz'],
  ['User-Agent', () => 'u'.repeat(6000)],
  ['Expect', () => '100-continue'],
];

const RAW_QUERIES = [
  'limit',
  'limit=&cursor=',
  '%zz=1',
  'limit=1&limit=2',
  '&&&&&&&&',
  'a[b][c]=1',
  '__proto__[role]=admin',
  'constructor[prototype][x]=1',
  'limit=1e2',
  'limit=0x10',
  'limit=%2B5',
  'q=%00',
  `q=${'%41'.repeat(3000)}`,
  'cursor=%',
];

/** Mutations that make a request wrong in one way, by name, with when they apply. */
const MUTATIONS: {
  kind: string;
  weight: number;
  applies: (ctx: Context) => boolean;
  apply: (ctx: Context, draft: Draft) => string;
}[] = [
  {
    kind: 'body:wrong-type',
    weight: 2,
    applies: (ctx) => Boolean(ctx.op.body),
    apply: (ctx, draft) => {
      const { body, key } = bodyTarget(ctx, draft);
      body[key] = wrongType(propertySchema(ctx, key)?.type, ctx.rng);
      return key;
    },
  },
  {
    kind: 'body:invalid-value',
    weight: 2,
    applies: (ctx) => Boolean(ctx.op.body),
    apply: (ctx, draft) => {
      const { body, key } = bodyTarget(ctx, draft);
      body[key] = invalidValue(ctx.doc, propertySchema(ctx, key), ctx.rng);
      return key;
    },
  },
  {
    kind: 'body:hostile-text',
    weight: 3,
    applies: (ctx) => Boolean(ctx.op.body),
    apply: (ctx, draft) => {
      const { body, key } = bodyTarget(ctx, draft);
      body[key] = hostileString(ctx.rng);
      return key;
    },
  },
  {
    kind: 'body:huge-text',
    weight: 1,
    applies: (ctx) => Boolean(ctx.op.body),
    apply: (ctx, draft) => {
      const { body, key } = bodyTarget(ctx, draft);
      body[key] = hugeString(ctx.rng);
      return key;
    },
  },
  {
    kind: 'body:deep',
    weight: 1,
    applies: (ctx) => Boolean(ctx.op.body),
    apply: (ctx, draft) => {
      const { body, key } = bodyTarget(ctx, draft);
      const depth = ctx.rng.int(2, 80);
      body[key] = nested(depth, ctx.rng);
      return `${key} depth ${depth}`;
    },
  },
  {
    kind: 'body:unknown-property',
    weight: 1,
    applies: (ctx) => Boolean(ctx.op.body),
    apply: (ctx, draft) => {
      const { body } = bodyTarget(ctx, draft);
      const key = ctx.rng.pick([
        'ownerId',
        'role',
        'id',
        'passwordHash',
        'disabled',
        'userId',
        'x',
      ]);
      body[key] = ctx.rng.pick(['admin', true, 1, ctx.world.other.id]);
      return key;
    },
  },
  {
    kind: 'body:raw',
    weight: 2,
    applies: (ctx) => Boolean(ctx.op.body),
    apply: (ctx, draft) => {
      draft.raw = ctx.rng.pick(RAW_BODIES);
      draft.headers['Content-Type'] = 'application/json';
      return Buffer.isBuffer(draft.raw)
        ? draft.raw.toString('hex').slice(0, 40)
        : draft.raw.slice(0, 40);
    },
  },
  {
    kind: 'body:content-type',
    weight: 2,
    applies: (ctx) => Boolean(ctx.op.body),
    apply: (ctx, draft) => {
      const type = ctx.rng.pick(CONTENT_TYPES);
      draft.raw = JSON.stringify(draft.body ?? {});
      draft.headers['Content-Type'] = type;
      return type;
    },
  },
  {
    kind: 'body:oversize',
    weight: 1,
    applies: (ctx) => Boolean(ctx.op.body),
    apply: (ctx, draft) => {
      const size = ctx.rng.int(ctx.bodyLimit + 1, ctx.bodyLimit * 4);
      draft.raw = JSON.stringify({ prompt: 'p'.repeat(size) });
      draft.headers['Content-Type'] = 'application/json';
      return String(size);
    },
  },
  {
    kind: 'id:unused',
    weight: 1,
    applies: (ctx) => ctx.op.parameters.some((p) => p.in === 'path'),
    apply: (ctx, draft) => {
      for (const name of Object.keys(draft.params)) draft.params[name] = unusedId(ctx.rng);
      return '';
    },
  },
  {
    kind: 'id:another-users',
    weight: 1,
    applies: (ctx) => ctx.op.parameters.some((p) => p.in === 'path'),
    apply: (ctx, draft) => {
      const pool = ctx.world.ids.get(idCollection(ctx.op.path) ?? '');
      for (const name of Object.keys(draft.params)) {
        draft.params[name] = pool?.others.length ? ctx.rng.pick(pool.others) : unusedId(ctx.rng);
      }
      return '';
    },
  },
  {
    kind: 'id:malformed',
    weight: 2,
    applies: (ctx) => ctx.op.parameters.some((p) => p.in === 'path'),
    apply: (ctx, draft) => {
      const value = ctx.rng.chance(0.6)
        ? ctx.rng.pick(BAD_IDS)
        : ctx.rng.chance(0.5)
          ? hostileString(ctx.rng)
          : 'i'.repeat(ctx.rng.int(37, 12_000));
      for (const name of Object.keys(draft.params)) draft.params[name] = value;
      return value.slice(0, 40);
    },
  },
  {
    kind: 'query:invalid',
    weight: 2,
    applies: (ctx) => ctx.op.parameters.some((p) => p.in === 'query'),
    apply: (ctx, draft) => {
      const param = ctx.rng.pick(ctx.op.parameters.filter((p) => p.in === 'query'));
      draft.query = draft.query.filter(([name]) => name !== param.name);
      draft.query.push([param.name, stringify(invalidValue(ctx.doc, param.schema, ctx.rng))]);
      return param.name;
    },
  },
  {
    kind: 'query:hostile',
    weight: 2,
    applies: (ctx) => ctx.op.parameters.some((p) => p.in === 'query'),
    apply: (ctx, draft) => {
      const param = ctx.rng.pick(ctx.op.parameters.filter((p) => p.in === 'query'));
      draft.query = draft.query.filter(([name]) => name !== param.name);
      draft.query.push([
        param.name,
        ctx.rng.chance(0.8) ? hostileString(ctx.rng) : hugeString(ctx.rng).slice(0, 12_000),
      ]);
      return param.name;
    },
  },
  {
    kind: 'query:repeated-or-unknown',
    weight: 1,
    applies: () => true,
    apply: (ctx, draft) => {
      const declared = ctx.op.parameters.filter((p) => p.in === 'query');
      if (declared.length > 0 && ctx.rng.chance(0.5)) {
        const param = ctx.rng.pick(declared);
        const value = stringify(
          validValue(ctx.doc, param.schema, ctx.rng, ctx.world.vocabulary, param.name),
        );
        draft.query.push([param.name, value], [param.name, value]);
        return `${param.name} twice`;
      }
      const name = ctx.rng.pick(['admin', 'ownerId', 'debug', 'fields', 'sort', '$where']);
      draft.query.push([name, '1']);
      return name;
    },
  },
  {
    kind: 'query:bad-cursor',
    weight: 1,
    applies: (ctx) => ctx.op.parameters.some((p) => p.in === 'query' && p.name === 'cursor'),
    apply: (ctx, draft) => {
      const b64 = (text: string) => Buffer.from(text).toString('base64url');
      const cursor = ctx.rng.pick([
        b64('x|y'),
        b64(`${new Date().toISOString()}|f47ac10b-58cc-4372-a567-0e02b2c3d479`),
        b64(`2026-02-30T00:00:00.000Z|${unusedId(ctx.rng)}`),
        b64(`${new Date().toISOString()}|${unusedId(ctx.rng)}|extra`),
        b64('\u0000|\u0000'),
        '====',
        '!!!',
        'A'.repeat(511),
        'A'.repeat(600),
        ctx.world.cursors.length ? ctx.rng.pick(ctx.world.cursors) : 'x',
      ]);
      draft.query = draft.query.filter(([name]) => name !== 'cursor');
      draft.query.push(['cursor', cursor]);
      return cursor.slice(0, 40);
    },
  },
  {
    kind: 'query:raw',
    weight: 1,
    applies: () => true,
    apply: (ctx, draft) => {
      draft.rawQuery = ctx.rng.pick(RAW_QUERIES);
      return draft.rawQuery.slice(0, 40);
    },
  },
  {
    kind: 'header:odd',
    weight: 2,
    applies: () => true,
    apply: (ctx, draft) => {
      const [name, value] = ctx.rng.pick(ODD_HEADERS);
      draft.headers[name] = value();
      return name;
    },
  },
  {
    kind: 'auth:forged',
    weight: 3,
    applies: (ctx) => ctx.op.access !== 'anonymous',
    apply: (ctx, draft) => {
      const forged = forgedAuthorizations({
        userId: ctx.world.owner.id,
        jwtSecret: ctx.world.jwtSecret,
      });
      const label = ctx.rng.pick(Object.keys(forged));
      if (forged[label] === '') delete draft.headers.Authorization;
      else draft.headers.Authorization = forged[label];
      return label;
    },
  },
  {
    kind: 'auth:another-user',
    weight: 1,
    applies: (ctx) => ctx.op.access !== 'anonymous',
    apply: (ctx, draft) => {
      draft.headers.Authorization = `Bearer ${ctx.world.other.token}`;
      return '';
    },
  },
  {
    kind: 'auth:ignored',
    weight: 1,
    applies: (ctx) => ctx.op.access === 'anonymous',
    apply: (ctx, draft) => {
      draft.headers.Authorization = ctx.rng.pick([
        'Bearer nope',
        `Bearer ${ctx.world.owner.token}`,
      ]);
      return '';
    },
  },
];

/** The `index`-th request of `op`: the same seed, operation and index always give the same one. */
export function fuzzRequest(
  doc: SpecDocument,
  world: World,
  op: Operation,
  seed: number,
  index: number,
  bodyLimit: number,
): FuzzRequest {
  const rng = new Rng(hashString(`${seed}:${op.operationId}:${index}`));
  const ctx: Context = { doc, world, op, rng, bodyLimit };
  const valid = rng.chance(0.35);
  const draft = baseDraft(ctx, valid && rng.chance(0.2));
  if (!valid) {
    const candidates = MUTATIONS.filter((m) => m.applies(ctx));
    const total = candidates.reduce((sum, m) => sum + m.weight, 0);
    let roll = rng.next() * total;
    const mutation = candidates.find((m) => (roll -= m.weight) < 0) ?? candidates[0];
    const detail = mutation.apply(ctx, draft);
    draft.kind = detail ? `${mutation.kind} (${detail})` : mutation.kind;
  }
  return build(op, index, draft, rng);
}

function build(op: Operation, index: number, draft: Draft, rng: Rng): FuzzRequest {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    idSegment(draft.params[name] ?? 'x', rng),
  );
  const query =
    draft.rawQuery ??
    draft.query
      .map(([name, value]) => `${encodeQueryValue(name)}=${encodeQueryValue(value)}`)
      .join('&');
  const headers = Object.fromEntries(
    Object.entries(draft.headers).map(([name, value]) => [name, headerSafe(value)]),
  );
  let payload: string | Buffer | undefined;
  if (draft.raw !== undefined) {
    payload = draft.raw;
  } else if (op.body && !draft.noBody) {
    payload = JSON.stringify(draft.body ?? {});
    headers['Content-Type'] ??= 'application/json';
  }
  if (payload !== undefined && headers['Content-Type'] === '') delete headers['Content-Type'];
  return {
    operationId: op.operationId,
    index,
    kind: draft.kind,
    method: op.method.toUpperCase(),
    url: query ? `${path}?${query}` : path,
    headers,
    payload,
  };
}
