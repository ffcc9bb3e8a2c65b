/**
 * The MongoDB adapter's queries, checked without a server (none can run on our machines; the
 * contract suite runs where MONGODB_URI is set). Filters are evaluated over in-memory documents
 * by `sift` (mongoose's own MongoDB-query matcher), sorts and limits applied as MongoDB applies
 * them; updates by a small applier of the three operators the adapter uses, with MongoDB's
 * documented semantics. Documents round-trip through real mongoose models on an unopened
 * connection, which casts them as it would before a write.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import mongoose, { type QueryFilter, type UpdateQuery } from 'mongoose';
import sift from 'sift';

import {
  at,
  makeImage,
  makeJob,
  makeSchedule,
  makeUser,
} from '../../../../test/contracts/records.contract.js';
import type { PageCursor } from '../../../common/cursor.js';
import { newId } from '../../../common/ids.js';
import { parseImageSearch } from '../image-search.js';
import type { ImageFilter } from '../images.repository.js';
import type { JobPatch } from '../jobs.repository.js';
import type { GenerationJob } from '../../../domain/records.js';
import {
  IMAGE_SCHEMA,
  JOB_SCHEMA,
  MongoDatabase,
  SCHEDULE_SCHEMA,
  USER_SCHEMA,
} from './mongo.database.js';
import {
  fromImageDoc,
  fromJobDoc,
  fromScheduleDoc,
  fromUserDoc,
  toImageDoc,
  toJobDoc,
  toScheduleDoc,
  toUserDoc,
  type ImageDoc,
  type JobDoc,
} from './mongo.documents.js';
import {
  NEWEST_FIRST,
  OLDEST_FIRST,
  activeJobsFilter,
  claimFilter,
  claimUpdate,
  duplicateKeyFields,
  idempotencyKeyFilter,
  imageListFilter,
  imagePatchUpdate,
  jobListFilter,
  jobPatchUpdate,
  jobWithImageFilter,
  mayViolate,
  recordFailureUpdate,
  referencedKeysFilter,
  removeImageIdUpdate,
  requeueUpdate,
  scheduleListFilter,
  schedulePatchUpdate,
  scheduleSlotFilter,
  searchFilter,
  staleRunningFilter,
  transitionFilter,
} from './mongo.queries.js';

type Sort = Readonly<Record<string, 1 | -1>>;

/** `find(filter).sort(sort).limit(limit)` over `docs`, as MongoDB answers it. */
function find<T extends object>(
  docs: readonly T[],
  filter: QueryFilter<T> | null,
  sort: Sort = NEWEST_FIRST,
  limit = Infinity,
): T[] {
  if (filter === null) return [];
  const matches = docs.filter(sift.default(filter as never));
  const compare = (a: T, b: T) => {
    for (const [field, direction] of Object.entries(sort)) {
      const x = (a as Record<string, string>)[field];
      const y = (b as Record<string, string>)[field];
      if (x !== y) return (x < y ? -1 : 1) * direction;
    }
    return 0;
  };
  return matches.sort(compare).slice(0, limit);
}

/** Applies `$set`, `$inc` and `$min` as MongoDB does (`$min` sets a missing field). */
function apply<T extends object>(doc: T, update: UpdateQuery<T>): T {
  const next = { ...doc } as Record<string, unknown>;
  for (const [field, value] of Object.entries(update.$set ?? {})) next[field] = value;
  for (const [field, by] of Object.entries(update.$inc ?? {})) {
    next[field] = ((next[field] as number | undefined) ?? 0) + (by as number);
  }
  for (const [field, value] of Object.entries(update.$min ?? {})) {
    if (next[field] === undefined || (value as string) < (next[field] as string)) {
      next[field] = value;
    }
  }
  for (const [field, condition] of Object.entries(update.$pull ?? {})) {
    // The adapter pulls by `{ $eq: value }` only.
    const { $eq: value } = condition as { $eq: unknown };
    next[field] = ((next[field] as unknown[] | undefined) ?? []).filter((item) => item !== value);
  }
  const known = new Set(['$set', '$inc', '$min', '$pull']);
  const unknown = Object.keys(update).filter((operator) => !known.has(operator));
  if (unknown.length > 0) throw new Error(`apply() does not model ${unknown.join(', ')}`);
  return next as T;
}

/** Pages through `fetch` with the last row of each page as the cursor, as a client would. */
function collectPages<T extends { _id: string; createdAt: string }>(
  fetch: (after: PageCursor | undefined) => T[],
): string[][] {
  const pages: string[][] = [];
  let after: PageCursor | undefined;
  for (let n = 0; n < 100; n++) {
    const rows = fetch(after);
    if (rows.length === 0) return pages;
    pages.push(rows.map((row) => row._id));
    const last = rows[rows.length - 1];
    after = { createdAt: last.createdAt, id: last._id };
  }
  throw new Error('paging never ended');
}

const ids = (docs: readonly { _id: string }[]) => docs.map((doc) => doc._id);

/** The filter an image list sends, `q` parsed as the port parses it; `null` when `q` has no word. */
function imageFilter(filter: ImageFilter, after?: PageCursor): QueryFilter<ImageDoc> | null {
  const { q, ...query } = filter;
  const search = q === undefined ? undefined : parseImageSearch(q);
  return search === null ? null : imageListFilter({ ...query, search }, after);
}

/** `q` parsed, for a `q` that has words. */
const parsed = (q: string) => parseImageSearch(q)!;

describe('search tokens and q', () => {
  describe('finds images like the SQLite full-text search', () => {
    const image = (prompt: string, tags: string[], createdAt: string) =>
      toImageDoc(makeImage({ prompt, tags, createdAt }));
    const lighthouse = image('A Lighthouse on a rocky coast at dusk', ['seascape'], at(1));
    const fox = image('Red fox sleeping in the snow', ['animals', 'winter'], at(2));
    const keeper = image('The lighthouse keeper and her orange cat', ['animals'], at(3));
    const city = image('Neon city street at night, rain', ['cyberpunk'], at(4));
    const accents = image('Crème brûlée on a café table', [], at(5));
    const docs = [city, lighthouse, keeper, fox, accents];
    const search = (q: string) => ids(find(docs, imageFilter({ q })));

    it.each([
      ['fox', [fox]],
      ['FOX', [fox]],
      ['LightHouse', [keeper, lighthouse]],
      ['lighthouse cat', [keeper]],
      ['cat lighthouse', [keeper]],
      ['rocky cat', []],
      ['ligh', [keeper, lighthouse]],
      ['keeper ora', [keeper]],
      ['seascape', [lighthouse]],
      ['animals snow', [fox]],
      ['"fox"', [fox]],
      ['(snow)', [fox]],
      ['creme brulee', [accents]],
      ['CAFÉ', [accents]],
      ['zebra', []],
    ])('%j', (q, expected) => {
      expect(search(q)).toEqual(ids(expected));
    });

    it('needs a whole word before the last one: only the last is a prefix', () => {
      expect(search('ligh cat')).toEqual([]);
      expect(search('lighthouse ca')).toEqual([keeper._id]);
    });

    it.each(['$where', '{"$gt":""}', '^fox', 'fox.*', 'fox|cat', '\\fox', '[fox]', 'NEAR(fox'])(
      'treats regex and operator syntax as plain words: %j',
      (q) => {
        const filter = searchFilter(parsed(q));
        expect(() => find(docs, imageFilter({ q }))).not.toThrow();
        // The one prefix pattern is an anchored run of letters and digits.
        expect(JSON.stringify(filter)).toMatch(/"\$regex":"\^[\p{L}\p{N}]+"/u);
      },
    );

    it.each(['', '   ', '!!!', '"" * - :'])('matches nothing for q without a word: %j', (q) => {
      expect(parseImageSearch(q)).toBeNull();
      expect(imageFilter({ q, visibility: 'public' })).toBeNull();
    });

    it('looks at no more than 16 words', () => {
      const many = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
      expect(JSON.stringify(searchFilter(parsed(many)))).not.toContain('w16');
    });
  });
});

describe('keyset pages', () => {
  const ownerId = newId();
  const tied = [0, 1, 2, 3, 4].map(() => toJobDoc(makeJob({ ownerId, createdAt: at(5) })));
  const others = [1, 2, 9].map((s) => toJobDoc(makeJob({ ownerId, createdAt: at(s) })));
  const foreign = toJobDoc(makeJob({ createdAt: at(3) }));
  const docs = [...tied, ...others, foreign];
  const expected = ids(find(docs, { ownerId }));

  it.each([1, 2, 3, 100])('page through newest first, ties by id, limit %i', (limit) => {
    const pages = collectPages((after) =>
      find(docs, jobListFilter({ ownerId }, after), NEWEST_FIRST, limit),
    );

    expect(pages.flat()).toEqual(expected);
    expect(pages.flat()).toHaveLength(8);
    expect(new Set(pages.flat()).size).toBe(8);
  });

  it('keeps a from/to window while paging', () => {
    const images = [1, 2, 3, 4, 5, 5, 5, 6].map((s) => toImageDoc(makeImage({ createdAt: at(s) })));
    const window: ImageFilter = { from: at(2), to: at(6) };
    const all = ids(find(images, imageListFilter(window)));

    const pages = collectPages((after) =>
      find(images, imageListFilter(window, after), NEWEST_FIRST, 2),
    );

    expect(all).toHaveLength(6);
    expect(pages.flat()).toEqual(all);
    const filter = imageListFilter(window, { createdAt: at(5), id: newId() });
    expect(filter?.createdAt).toEqual({ $gte: at(2), $lt: at(6), $lte: at(5) });
  });

  it('pages every schedule, or one owner’s', () => {
    const owner = newId();
    const schedules = [1, 2, 3, 3, 4].map((s, i) =>
      toScheduleDoc(makeSchedule({ ownerId: i < 3 ? owner : newId(), createdAt: at(s) })),
    );

    const mine = collectPages((after) =>
      find(schedules, scheduleListFilter(owner, after), NEWEST_FIRST, 1),
    );
    const every = collectPages((after) =>
      find(schedules, scheduleListFilter(undefined, after), NEWEST_FIRST, 2),
    );

    expect(mine.flat()).toEqual(ids(schedules.slice(0, 3)).reverse());
    expect(every.flat()).toEqual(ids(find(schedules, {})));
  });

  it('refuses a job list with neither an owner nor a schedule', () => {
    // @ts-expect-error -- the type forbids it; this is input from outside the type system.
    expect(() => jobListFilter({ status: 'queued' })).toThrow(/ownerId or scheduleId/);
  });
});

describe('image filters', () => {
  const ada = newId();
  const set = [
    { ownerId: ada, visibility: 'public', provider: 'offline', model: 'offline-1', tags: ['sea'] },
    {
      ownerId: ada,
      visibility: 'private',
      provider: 'openai',
      model: 'gpt-image-1',
      tags: ['animals'],
    },
    {
      ownerId: newId(),
      visibility: 'public',
      provider: 'openai',
      model: 'dall-e-3',
      tags: ['animals'],
    },
  ].map((fields, i) =>
    toImageDoc(
      makeImage({ ...(fields as Partial<ImageDoc>), tags: fields.tags, createdAt: at(i + 1) }),
    ),
  );
  const list = (filter: ImageFilter) => ids(find(set, imageFilter(filter)));

  it.each<[string, ImageFilter, number[]]>([
    ['no filter', {}, [3, 2, 1]],
    ['public gallery', { visibility: 'public' }, [3, 1]],
    ['history', { ownerId: ada }, [2, 1]],
    ['provider + model', { provider: 'openai', model: 'dall-e-3' }, [3]],
    ['tag', { tag: 'animals' }, [3, 2]],
    ['a prefix of a tag is not the tag', { tag: 'anim' }, []],
    ['from is inclusive', { from: at(2) }, [3, 2]],
    ['to is exclusive', { to: at(2) }, [1]],
  ])('%s', (_label, filter, positions) => {
    expect(list(filter)).toEqual(positions.map((p) => set[p - 1]._id));
  });

  it('compares request values as values: an operator smuggled in matches nothing', () => {
    const smuggled = { $ne: 'nothing' } as unknown as string;

    expect(list({ provider: smuggled })).toEqual([]);
    expect(list({ ownerId: smuggled })).toEqual([]);
    expect(list({ tag: smuggled })).toEqual([]);
    expect(find([toJobDoc(makeJob())], jobListFilter({ ownerId: smuggled }))).toEqual([]);
  });

  it('finds the keys some image or thumbnail is stored under', () => {
    const keys = [set[0].blobKey, set[1].thumbnailKey, 'images/2026/11/gone.png'];

    expect(ids(find(set, referencedKeysFilter(keys)))).toEqual([set[1]._id, set[0]._id]);
  });
});

describe('jobs', () => {
  const running = (job: GenerationJob, workerId: string): JobDoc =>
    toJobDoc({ ...job, status: 'running', workerId, heartbeatAt: job.createdAt });

  it('claims the oldest runnable queued job, counts an attempt and keeps the first start', () => {
    const oldest = toJobDoc(makeJob({ createdAt: at(1), attempts: 2 }));
    const backingOff = toJobDoc(makeJob({ createdAt: at(0), runAfter: at(100) }));
    const newer = toJobDoc(makeJob({ createdAt: at(2) }));
    const busy = running(makeJob({ createdAt: at(-5) }), 'w0');
    const docs = [newer, busy, backingOff, oldest];

    const [first] = find(docs, claimFilter(at(10)), OLDEST_FIRST, 1);
    const claimed = apply(first, claimUpdate('worker-1', at(10)));

    expect(fromJobDoc(claimed)).toEqual({
      ...fromJobDoc(oldest),
      status: 'running',
      workerId: 'worker-1',
      heartbeatAt: at(10),
      startedAt: at(10),
      updatedAt: at(10),
      attempts: 3,
    });
    const requeued = apply(claimed, requeueUpdate(at(20)));
    const again = apply(requeued, claimUpdate('worker-2', at(30)));
    expect(fromJobDoc(again)).toMatchObject({
      startedAt: at(10),
      attempts: 4,
      workerId: 'worker-2',
    });
    expect(ids(find(docs, claimFilter(at(100)), OLDEST_FIRST))).toEqual(
      ids([backingOff, oldest, newer]),
    );
  });

  it('stores a job never started without startedAt, so that the first claim can set it', () => {
    expect(toJobDoc(makeJob())).not.toHaveProperty('startedAt');
    expect(toJobDoc(makeJob({ startedAt: at(3) })).startedAt).toBe(at(3));
  });

  it('transitions only from the expected status, and worker when given', () => {
    const job = running(makeJob(), 'worker-1');
    const matches = (filter: QueryFilter<JobDoc>) => find([job], filter).length === 1;

    expect(matches(transitionFilter(job._id, 'running'))).toBe(true);
    expect(matches(transitionFilter(job._id, 'running', 'worker-1'))).toBe(true);
    expect(matches(transitionFilter(job._id, 'running', 'worker-2'))).toBe(false);
    expect(matches(transitionFilter(job._id, 'queued'))).toBe(false);
    expect(matches(transitionFilter(newId(), 'running'))).toBe(false);
  });

  it('transitions a stale job only while its heartbeat is the one read', () => {
    const job = running(makeJob({ createdAt: at(10) }), 'worker-1');
    const matches = (filter: QueryFilter<JobDoc>) => find([job], filter).length === 1;

    expect(find([job], staleRunningFilter(at(11)))).toEqual([job]);
    expect(find([job], staleRunningFilter(at(10)))).toEqual([]);
    expect(matches(transitionFilter(job._id, 'running', 'worker-1', at(10)))).toBe(true);
    expect(matches(transitionFilter(job._id, 'running', 'worker-1', at(12)))).toBe(false);
  });

  it('sets exactly the patch’s defined fields, nulls included, and updatedAt', () => {
    const job = toJobDoc(
      makeJob({ error: { code: 'provider_error', message: 'm', retryable: false }, workerId: 'w' }),
    );
    const patch = {
      status: 'failed',
      error: null,
      imageIds: ['a', 'b'],
      finishedAt: at(9),
      workerId: undefined,
      heartbeatAt: null,
      // Not a patch field: an adapter must never let it through.
      ownerId: 'someone-else',
    } as JobPatch;

    const updated = apply(job, jobPatchUpdate(patch, at(9)));

    expect(fromJobDoc(updated)).toEqual({
      ...fromJobDoc(job),
      status: 'failed',
      error: null,
      imageIds: ['a', 'b'],
      finishedAt: at(9),
      heartbeatAt: null,
      updatedAt: at(9),
    });
  });

  it('re-queues running jobs whose heartbeat is older than the cutoff, not at it', () => {
    const stale = toJobDoc({ ...makeJob(), status: 'running', heartbeatAt: at(10) });
    const atCutoff = toJobDoc({ ...makeJob(), status: 'running', heartbeatAt: at(30) });
    const queued = toJobDoc(makeJob());
    const done = toJobDoc({ ...makeJob(), status: 'succeeded', heartbeatAt: at(1) });

    const found = find([stale, atCutoff, queued, done], staleRunningFilter(at(30)));

    expect(ids(found)).toEqual([stale._id]);
    expect(fromJobDoc(apply(stale, requeueUpdate(at(60))))).toMatchObject({
      status: 'queued',
      workerId: null,
      heartbeatAt: null,
      updatedAt: at(60),
    });
  });

  it('takes a deleted image’s id out of its job only, keeping the order of the rest', () => {
    const [a, b, c] = [newId(), newId(), newId()];
    const job = toJobDoc({ ...makeJob(), status: 'succeeded', imageIds: [a, b, c] });
    const other = toJobDoc({ ...makeJob(), status: 'succeeded', imageIds: [b] });

    expect(ids(find([job, other], jobWithImageFilter(job._id, b)))).toEqual([job._id]);
    expect(find([job, other], jobWithImageFilter(job._id, newId()))).toEqual([]);
    expect(fromJobDoc(apply(job, removeImageIdUpdate(b, at(60))))).toEqual({
      ...fromJobDoc(job),
      imageIds: [a, c],
      updatedAt: at(60),
    });
  });

  it('counts queued and running jobs of the owner only', () => {
    const ownerId = newId();
    const docs = (['queued', 'running', 'succeeded', 'failed', 'canceled'] as const).map((status) =>
      toJobDoc({ ...makeJob({ ownerId }), status }),
    );
    docs.push(toJobDoc(makeJob()));

    expect(find(docs, activeJobsFilter(ownerId))).toHaveLength(2);
  });

  it('finds the first job by (owner, key) and by (schedule, slot)', () => {
    const keyed = toJobDoc(makeJob({ idempotencyKey: 'k' }));
    const scheduled = toJobDoc(makeJob({ scheduleId: newId(), slot: at(60) }));
    const docs = [keyed, scheduled, toJobDoc(makeJob({ idempotencyKey: 'k' }))];

    expect(ids(find(docs, idempotencyKeyFilter(keyed.ownerId, 'k')))).toEqual([keyed._id]);
    expect(find(docs, idempotencyKeyFilter(newId(), 'k'))).toEqual([]);
    expect(ids(find(docs, scheduleSlotFilter(scheduled.scheduleId!, at(60))))).toEqual([
      scheduled._id,
    ]);
  });
});

describe('schedule and image updates', () => {
  it('sets the schedule patch’s fields; failures add one', () => {
    const doc = toScheduleDoc(makeSchedule({ consecutiveFailures: 2 }));
    const patched = apply(
      doc,
      schedulePatchUpdate({ enabled: false, nextRunAt: null, name: undefined, updatedAt: at(5) }),
    );

    expect(fromScheduleDoc(patched)).toEqual({
      ...fromScheduleDoc(doc),
      enabled: false,
      nextRunAt: null,
      updatedAt: at(5),
    });
    expect(fromScheduleDoc(apply(patched, recordFailureUpdate(at(6))))).toMatchObject({
      consecutiveFailures: 3,
      updatedAt: at(6),
    });
  });

  it('new tags replace the old ones in search; visibility alone leaves search alone', () => {
    const doc = toImageDoc(makeImage({ prompt: 'Neon city street', tags: ['cyberpunk'] }));
    const search = (image: ImageDoc, q: string) => find([image], imageFilter({ q })).length;

    const retagged = apply(doc, imagePatchUpdate({ tags: ['synthwave'] }, doc.prompt)!);
    const shown = apply(doc, imagePatchUpdate({ visibility: 'private' }, doc.prompt)!);

    expect(search(retagged, 'synthwave')).toBe(1);
    expect(search(retagged, 'neon')).toBe(1);
    expect(search(retagged, 'cyberpunk')).toBe(0);
    expect(fromImageDoc(retagged).tags).toEqual(['synthwave']);
    expect(shown.searchTokens).toEqual(doc.searchTokens);
    expect(shown.visibility).toBe('private');
    expect(imagePatchUpdate({}, doc.prompt)).toBeNull();
  });
});

describe('duplicate keys', () => {
  const duplicate = (keyPattern?: Record<string, number>) =>
    new mongoose.mongo.MongoServerError({
      code: 11000,
      errmsg: 'E11000 duplicate key error',
      ...(keyPattern ? { keyPattern } : {}),
    });

  it('names the refusing index from keyPattern', () => {
    const error = duplicate({ ownerId: 1, idempotencyKey: 1 });

    expect(duplicateKeyFields(error)).toEqual(['ownerId', 'idempotencyKey']);
    expect(mayViolate(error, ['ownerId', 'idempotencyKey'])).toBe(true);
    expect(mayViolate(error, ['scheduleId', 'slot'])).toBe(false);
  });

  it('may be any index when the server does not say (Cosmos DB)', () => {
    expect(duplicateKeyFields(duplicate())).toBeNull();
    expect(mayViolate(duplicate(), ['email'])).toBe(true);
  });

  it('is not a duplicate key for other errors', () => {
    const other = new mongoose.mongo.MongoServerError({ code: 2, errmsg: 'BadValue' });

    expect(mayViolate(other, ['email'])).toBe(false);
    expect(mayViolate(new Error('boom'), ['email'])).toBe(false);
    expect(mayViolate(null, ['email'])).toBe(false);
  });
});

describe('connecting', () => {
  it('rejects with the reason when no server answers, and leaves nothing open', async () => {
    // Port 1 on loopback refuses at once; the options are parsed before any connection, so a
    // rejected option would fail here with a parse error instead.
    const error = await MongoDatabase.connect('mongodb://127.0.0.1:1/image-forge', {
      serverSelectionTimeoutMS: 200,
    }).then(
      () => null,
      (e: unknown) => e as Error,
    );

    expect(error?.name).toBe('MongooseServerSelectionError');
    expect(error?.message).toMatch(/127\.0\.0\.1:1/);
  });
});

describe('schemas', () => {
  // Models on a connection that is never opened: mongoose casts documents all the same.
  const mongo = new MongoDatabase(mongoose.createConnection());

  afterAll(async () => {
    await mongo.close();
  });

  it.each([
    [
      'full',
      makeJob({
        request: { ...makeJob().request, prompt: 'ünï 🦊', quality: 'high', tags: [] },
        error: { code: 'timeout', message: 'y', retryable: true },
        imageIds: [newId()],
        idempotencyKey: 'k',
        requestHash: 'f'.repeat(64),
        scheduleId: newId(),
        slot: at(60),
        providerRef: 'pred_1',
        workerId: 'w',
        startedAt: at(1),
        finishedAt: at(2),
        heartbeatAt: at(3),
        attempts: 2,
      }),
    ],
    ['sparse', makeJob()],
  ])('round-trips a %s job through a mongoose document', (_label, job) => {
    const stored = new mongo.jobs(toJobDoc(job)).toObject() as JobDoc;

    expect(fromJobDoc(stored)).toEqual(job);
  });

  it('round-trips users, images and schedules through mongoose documents', () => {
    const user = makeUser();
    const image = makeImage({ seed: 4_294_967_295, tags: ['a', 'b'], negativePrompt: 'blurry' });
    const sparse = makeImage({ seed: null, scheduleId: null, tags: [] });
    const schedule = makeSchedule({ pausedReason: 'x', lastRunAt: at(1), nextRunAt: null });

    expect(fromUserDoc(new mongo.users(toUserDoc(user)).toObject() as never)).toEqual(user);
    expect(fromImageDoc(new mongo.images(toImageDoc(image)).toObject() as never)).toEqual(image);
    expect(fromImageDoc(new mongo.images(toImageDoc(sparse)).toObject() as never)).toEqual(sparse);
    expect(
      fromScheduleDoc(new mongo.schedules(toScheduleDoc(schedule)).toObject() as never),
    ).toEqual(schedule);
  });

  it('never returns the internal search tokens', () => {
    const image = makeImage();

    expect(fromImageDoc(toImageDoc(image))).not.toHaveProperty('searchTokens');
  });

  it('leaves every query filter as built when mongoose casts it', () => {
    const cast = <T>(model: mongoose.Model<T>, filter: QueryFilter<T>) => {
      const query = model.find(filter);
      query.cast(model);
      return query.getFilter();
    };
    const search = imageFilter(
      { q: 'keeper ligh', tag: 't', from: at(1), visibility: 'public' },
      { createdAt: at(5), id: newId() },
    )!;
    const jobFilters = [
      claimFilter(at(1)),
      idempotencyKeyFilter(newId(), 'k'),
      scheduleSlotFilter(newId(), at(60)),
      transitionFilter(newId(), 'running', 'w'),
      jobListFilter({ scheduleId: newId(), status: 'queued' }, { createdAt: at(5), id: newId() }),
    ];

    expect(cast(mongo.images, search)).toEqual(search);
    for (const filter of jobFilters) expect(cast(mongo.jobs, filter)).toEqual(filter);
  });

  const indexes = (schema: mongoose.Schema) =>
    Object.fromEntries(
      schema.indexes().map(([keys, options]) => [options.name as string, { keys, options }]),
    );

  it('enforces each uniqueness rule with a unique index', () => {
    expect(indexes(USER_SCHEMA).users_email).toMatchObject({
      keys: { email: 1 },
      options: { unique: true },
    });
    expect(indexes(JOB_SCHEMA).jobs_idempotency).toMatchObject({
      keys: { ownerId: 1, idempotencyKey: 1 },
      options: { unique: true },
    });
    expect(indexes(JOB_SCHEMA).jobs_schedule_slot).toMatchObject({
      keys: { scheduleId: 1, slot: 1 },
      options: { unique: true },
    });
    expect(indexes(IMAGE_SCHEMA).images_job_index).toMatchObject({
      keys: { jobId: 1, index: 1 },
      options: { unique: true },
    });
  });

  it('leaves jobs without a key, and manual runs without a slot, out of the unique indexes', () => {
    const partial = (name: string) =>
      indexes(JOB_SCHEMA)[name].options.partialFilterExpression as QueryFilter<JobDoc>;
    const scheduleId = newId();
    const docs = [
      toJobDoc(makeJob({ idempotencyKey: 'k', scheduleId, slot: at(60) })),
      toJobDoc(makeJob()),
      toJobDoc(makeJob({ scheduleId, slot: null })),
      toJobDoc(makeJob({ scheduleId, slot: null })),
    ];

    expect(ids(find(docs, partial('jobs_idempotency')))).toEqual([docs[0]._id]);
    expect(ids(find(docs, partial('jobs_schedule_slot')))).toEqual([docs[0]._id]);
  });

  /**
   * Each query the repositories send, by its equality fields and its sort: some index must start
   * with those fields (any order) followed by the sort (or its exact reverse), so that MongoDB
   * reads entries in order and stops at the limit, and Cosmos DB can sort at all.
   */
  it.each<[string, mongoose.Schema, string[], Sort]>([
    ['my jobs', JOB_SCHEMA, ['ownerId'], NEWEST_FIRST],
    ['a schedule’s runs', JOB_SCHEMA, ['scheduleId'], NEWEST_FIRST],
    ['the claim', JOB_SCHEMA, ['status'], OLDEST_FIRST],
    ['stale running jobs', JOB_SCHEMA, ['status'], { heartbeatAt: 1 }],
    ['the public gallery', IMAGE_SCHEMA, ['visibility'], NEWEST_FIRST],
    ['my history', IMAGE_SCHEMA, ['ownerId'], NEWEST_FIRST],
    ['every image', IMAGE_SCHEMA, [], NEWEST_FIRST],
    ['a tag', IMAGE_SCHEMA, ['tags'], NEWEST_FIRST],
    ['a job’s images', IMAGE_SCHEMA, ['jobId'], { index: 1 }],
    ['referenced blobs', IMAGE_SCHEMA, ['blobKey'], {}],
    ['referenced thumbnails', IMAGE_SCHEMA, ['thumbnailKey'], {}],
    ['search', IMAGE_SCHEMA, ['searchTokens'], {}],
    ['sign-in', USER_SCHEMA, ['email'], {}],
    ['my schedules', SCHEDULE_SCHEMA, ['ownerId'], NEWEST_FIRST],
    ['every schedule', SCHEDULE_SCHEMA, [], NEWEST_FIRST],
  ])('an index serves %s', (_label, schema, equality, sort) => {
    const serves = schema.indexes().some(([keys]) => {
      const fields = Object.entries(keys as Record<string, number>);
      const head = fields.slice(0, equality.length).map(([field]) => field);
      const tail = fields.slice(equality.length, equality.length + Object.keys(sort).length);
      const wanted = Object.entries(sort);
      const inOrder = (sign: number) =>
        tail.length === wanted.length &&
        tail.every(([field, dir], i) => field === wanted[i][0] && dir === sign * wanted[i][1]);
      return [...head].sort().join() === [...equality].sort().join() && (inOrder(1) || inOrder(-1));
    });

    expect(serves).toBe(true);
  });
});
