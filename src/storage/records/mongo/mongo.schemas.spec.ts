/**
 * The MongoDB schemas without a server: documents round-trip through real mongoose models on an
 * unopened connection, which casts them as it would before a write; every query filter survives
 * that cast; each uniqueness rule and each query has its index. And connecting to no server fails
 * with the reason.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import mongoose, { type QueryFilter } from 'mongoose';

import {
  at,
  makeImage,
  makeJob,
  makeSchedule,
  makeUser,
} from '../../../../test/fixtures/records.js';
import { find, ids, imageFilter, type Sort } from '../../../../test/support/mongo-queries.js';
import { newId } from '../../../common/ids.js';
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
  type JobDoc,
} from './mongo.documents.js';
import {
  NEWEST_FIRST,
  OLDEST_FIRST,
  claimFilter,
  idempotencyKeyFilter,
  jobListFilter,
  scheduleSlotFilter,
  transitionFilter,
} from './mongo.queries.js';

describe('connecting', () => {
  it('rejects with the reason when no server answers, and leaves nothing open', async () => {
    // Port 1 on loopback refuses at once; the options are parsed before any connection, so a
    // rejected option would fail here with a parse error instead. Selection waits out its timeout
    // either way: with 200 ms, a loaded CI machine timed out before the driver's first attempt had
    // failed, and the error named no reason.
    const error = await MongoDatabase.connect('mongodb://127.0.0.1:1/image-forge', {
      serverSelectionTimeoutMS: 2_000,
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
