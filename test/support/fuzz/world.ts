import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestApp } from '../app.js';
import { sleep } from '../wait.js';
import { idCollection, operationsOf, type SpecDocument } from './spec.js';

export const PASSWORD = 'correct horse battery';
/** Registers as admin in the app a world is built in: start that app with `worldEnv()`. */
export const ADMIN_EMAIL = 'fuzz-admin@example.com';

/** What the app a world is built in needs: the admin's address. */
export function worldEnv(): Record<string, string> {
  return { ADMIN_EMAILS: ADMIN_EMAIL };
}

export interface Member {
  readonly id: string;
  readonly email: string;
  readonly token: string;
  readonly refreshToken?: string;
  readonly auth: { readonly Authorization: string };
}

/**
 * Objects of one collection (`generations`, `images`...): the owner's, more of the owner's for
 * operations that destroy them (so that a delete early in a run leaves the others something to
 * read), and another user's.
 */
export interface Owned {
  readonly mine: string[];
  readonly expendable: string[];
  readonly others: string[];
}

/**
 * Everything the fuzz and the OWASP matrix act on, made through the API: users (an owner, another
 * user, an admin, accounts an admin may disable, accounts whose sessions an operation may end),
 * their private and public objects of every collection an `{id}` route names, valid cursors, and
 * the values the app itself says are valid (providers, models, sizes...).
 */
export interface World {
  readonly owner: Member;
  readonly other: Member;
  readonly admin: Member;
  /** Ids by collection, as named by the path segment before `{id}`. */
  readonly ids: ReadonlyMap<string, Owned>;
  /** Ids of public objects (images anyone may read); every other object is private to its owner. */
  readonly publicIds: ReadonlySet<string>;
  /** Collections of `{id}` routes the world could not make an object of. */
  readonly uncovered: readonly string[];
  readonly cursors: readonly string[];
  readonly vocabulary: Map<string, unknown[]>;
  /** Sessions of throwaway accounts, for operations that end sessions (logout, password). */
  readonly disposable: ReadonlyMap<string, readonly Member[]>;
  readonly jwtSecret: string;
  readonly dataDir: string;
}

interface Http {
  status: number;
  body: Record<string, unknown>;
}

type Call = (method: string, path: string, auth?: Member, body?: unknown) => Promise<Http>;

function caller(t: TestApp): Call {
  return async (method, path, auth, body) => {
    let req = t.http[method.toLowerCase() as 'get'](path);
    if (auth) req = req.set(auth.auth);
    const res = body === undefined ? await req : await req.send(body as object);
    return { status: res.status, body: res.body as Record<string, unknown> };
  };
}

function member(body: Record<string, unknown>, email: string): Member {
  const token = String(body.accessToken);
  return {
    id: String((body.user as { id: string }).id),
    email,
    token,
    refreshToken: typeof body.refreshToken === 'string' ? body.refreshToken : undefined,
    auth: { Authorization: `Bearer ${token}` },
  };
}

let worlds = 0;

async function signUp(call: Call, email: string): Promise<Member> {
  const res = await call('POST', '/api/v1/auth/register', undefined, { email, password: PASSWORD });
  if (res.status !== 201)
    throw new Error(`register ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return member(res.body, email);
}

async function signIn(call: Call, email: string): Promise<Member> {
  const res = await call('POST', '/api/v1/auth/login', undefined, { email, password: PASSWORD });
  if (res.status !== 200)
    throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return member(res.body, email);
}

async function finished(call: Call, who: Member, jobId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 300; i++) {
    const res = await call('GET', `/api/v1/generations/${jobId}`, who);
    if (['succeeded', 'failed', 'canceled'].includes(String(res.body.status))) return res.body;
    await sleep(100);
  }
  throw new Error(`generation ${jobId} did not finish`);
}

/**
 * A member's objects: a private and a public image (one job each), a paused schedule and its run;
 * and, to be deleted, four more images (one job) and three more schedules.
 */
async function populate(
  call: Call,
  who: Member,
  publicIds: Set<string>,
): Promise<Record<string, Owned>> {
  const generate = async (body: object): Promise<Record<string, unknown>> => {
    const job = await call('POST', '/api/v1/generations', who, {
      prompt: `a lighthouse for ${who.email}`,
      size: '256x256',
      tags: ['fuzz'],
      ...body,
    });
    if (job.status !== 202) throw new Error(`generate: ${job.status} ${JSON.stringify(job.body)}`);
    return finished(call, who, String(job.body.id));
  };
  const schedule = async (): Promise<string> => {
    const res = await call('POST', '/api/v1/schedules', who, {
      name: 'fuzz',
      cron: '0 9 * * 1-5',
      size: '256x256',
      visibility: 'private',
      enabled: false,
    });
    if (res.status !== 201) throw new Error(`schedule: ${res.status} ${JSON.stringify(res.body)}`);
    return String(res.body.id);
  };
  // Private first: the first image of the list is private, the one object-level probes want.
  const kept = [
    await generate({ visibility: 'private' }),
    await generate({ visibility: 'public' }),
  ];
  const spare = await generate({ visibility: 'private', n: 4 });
  const schedules = [await schedule()];
  const run = await call('POST', `/api/v1/schedules/${schedules[0]}/run`, who);
  const runs = run.status === 202 ? [await finished(call, who, String(run.body.id))] : [];
  for (const id of kept[1].imageIds as string[]) publicIds.add(id);
  return {
    generations: {
      mine: [...kept, ...runs].map((job) => String(job.id)),
      expendable: [String(spare.id)],
      others: [],
    },
    images: {
      mine: kept.flatMap((job) => job.imageIds as string[]),
      expendable: spare.imageIds as string[],
      others: [],
    },
    schedules: {
      mine: schedules,
      expendable: [await schedule(), await schedule(), await schedule()],
      others: [],
    },
  };
}

/**
 * Objects of a collection the world does not know, made the way the spec says: the POST on the
 * collection's path with its first example body (`POST /auth/api-keys` for `api-keys`).
 */
async function makeGeneric(
  call: Call,
  doc: SpecDocument,
  collection: string,
  who: Member,
): Promise<string | undefined> {
  const create = operationsOf(doc).find(
    (op) => op.method === 'post' && op.path.endsWith(`/${collection}`) && op.body?.examples.length,
  );
  if (!create) return undefined;
  const res = await call('POST', create.path, who, create.body!.examples[0]);
  return res.status < 300 && typeof res.body.id === 'string' ? res.body.id : undefined;
}

function remember(vocabulary: Map<string, unknown[]>, name: string, ...values: unknown[]): void {
  const list = vocabulary.get(name) ?? [];
  for (const value of values) {
    if (!list.some((known) => JSON.stringify(known) === JSON.stringify(value))) list.push(value);
  }
  vocabulary.set(name, list);
}

/** Every property of every example body, by name: values the API documents as valid. */
function examplesVocabulary(doc: SpecDocument): Map<string, unknown[]> {
  const vocabulary = new Map<string, unknown[]>();
  for (const op of operationsOf(doc)) {
    for (const example of op.body?.examples ?? []) {
      if (example && typeof example === 'object' && !Array.isArray(example)) {
        for (const [key, value] of Object.entries(example)) remember(vocabulary, key, value);
      }
    }
  }
  return vocabulary;
}

/** Builds the world in the app `t` (started with `worldEnv()`), through its API. */
export async function buildWorld(t: TestApp, doc: SpecDocument): Promise<World> {
  const call = caller(t);
  const run = `${++worlds}-${Date.now()}`;
  const owner = await signUp(call, `fuzz-owner-${run}@example.com`);
  const other = await signUp(call, `fuzz-other-${run}@example.com`);
  const admin = await signUp(call, ADMIN_EMAIL);
  const victims = [
    await signUp(call, `fuzz-victim1-${run}@example.com`),
    await signUp(call, `fuzz-victim2-${run}@example.com`),
  ];

  const publicIds = new Set<string>();
  const mine = await populate(call, owner, publicIds);
  const theirs = await populate(call, other, publicIds);
  const ids = new Map<string, Owned>(
    Object.entries(mine).map(([collection, owned]) => [
      collection,
      { ...owned, others: [...theirs[collection].mine, ...theirs[collection].expendable] },
    ]),
  );
  // Accounts are an admin's objects: the ones admin operations may disable.
  ids.set('users', { mine: victims.map((victim) => victim.id), expendable: [], others: [] });

  const operations = operationsOf(doc);
  const uncovered: string[] = [];
  for (const collection of new Set(operations.map((op) => idCollection(op.path)))) {
    if (!collection || ids.has(collection)) continue;
    const a = await makeGeneric(call, doc, collection, owner);
    const spare = await makeGeneric(call, doc, collection, owner);
    const b = await makeGeneric(call, doc, collection, other);
    if (a && b) ids.set(collection, { mine: [a], expendable: spare ? [spare] : [], others: [b] });
    else uncovered.push(collection);
  }

  // Operations that end sessions get throwaway accounts of their own, with a few sessions each.
  const disposable = new Map<string, Member[]>();
  for (const op of operations) {
    if (op.access !== 'required' || op.method === 'get' || !op.tags.includes('auth')) continue;
    if (idCollection(op.path) || op.path.endsWith('api-keys')) continue;
    const email = `fuzz-${op.operationId}-${run}@example.com`;
    const sessions = [await signUp(call, email)];
    for (let i = 0; i < 2; i++) sessions.push(await signIn(call, email));
    disposable.set(op.operationId, sessions);
  }
  const refresher = `fuzz-refresh-${run}@example.com`;
  const refreshSessions = [await signUp(call, refresher), await signIn(call, refresher)];

  const cursors: string[] = [];
  for (const path of [
    '/api/v1/images',
    '/api/v1/me/images',
    '/api/v1/generations',
    '/api/v1/schedules',
  ]) {
    const page = await call('GET', `${path}?limit=1`, owner);
    if (typeof page.body.nextCursor === 'string') cursors.push(page.body.nextCursor);
  }

  const vocabulary = examplesVocabulary(doc);
  const providers = await call('GET', '/api/v1/providers');
  for (const provider of (providers.body.items ?? []) as {
    name: string;
    configured: boolean;
    models: { id: string; sizes: string[]; qualities: string[]; styles: string[] }[];
  }[]) {
    if (!provider.configured) continue;
    remember(vocabulary, 'provider', provider.name);
    for (const model of provider.models) {
      remember(vocabulary, 'model', model.id);
      remember(vocabulary, 'size', ...model.sizes);
      remember(vocabulary, 'quality', ...model.qualities);
      remember(vocabulary, 'style', ...model.styles);
    }
  }
  remember(vocabulary, 'size', '256x256');
  remember(vocabulary, 'timezone', 'UTC', 'Europe/Paris', 'America/St_Johns', 'Asia/Kathmandu');
  remember(
    vocabulary,
    'cron',
    '0 9 * * 1-5',
    '*/5 * * * *',
    '0 0 1 1 *',
    '0 0 29 2 *',
    '0 0 31 2 *',
  );
  remember(vocabulary, 'email', owner.email, other.email, 'nobody@example.com', 'ADA@Example.com');
  remember(vocabulary, 'password', PASSWORD, 'wrong password!');
  remember(vocabulary, 'currentPassword', PASSWORD);
  remember(vocabulary, 'newPassword', 'another horse battery');
  remember(
    vocabulary,
    'refreshToken',
    ...refreshSessions.map((session) => session.refreshToken).filter(Boolean),
  );
  remember(vocabulary, 'cursor', ...cursors);
  remember(vocabulary, 'q', 'lighthouse', 'light', 'fuzz');
  remember(vocabulary, 'tag', 'fuzz');

  return {
    owner,
    other,
    admin,
    ids,
    publicIds,
    uncovered,
    cursors,
    vocabulary,
    disposable,
    jwtSecret: readFileSync(join(t.dataDir, 'jwt-secret'), 'utf8').trim(),
    dataDir: t.dataDir,
  };
}
