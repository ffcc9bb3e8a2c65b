/**
 * The MongoDB filters, sorts and updates the repositories send, as pure functions: they are
 * tested without a server (src/storage/records/mongo/mongo.queries.spec.ts), since none can run
 * on our machines. Every value that comes from a request is compared with `$eq`, so that an
 * object slipping through validation can never become an operator.
 */
import type { QueryFilter, UpdateQuery } from 'mongoose';
import type { PageCursor } from '../../../common/cursor.js';
import { searchTokens, type ImageSearch } from '../image-search.js';
import type { ImagePatch, ImageQuery } from '../images.repository.js';
import type { JobFilter, JobPatch } from '../jobs.repository.js';
import { SCHEDULE_FIELDS, withoutFields, type FieldSet } from '../record-fields.js';
import type { JobStatus } from '../../../domain/records.js';
import type { SchedulePatch } from '../schedules.repository.js';
import type { UserFilter } from '../users.repository.js';
import type { ImageDoc, JobDoc, ScheduleDoc, UserDoc } from './mongo.documents.js';

/** The ports' page order, and the one every list index is built in. */
export const NEWEST_FIRST = { createdAt: -1, _id: -1 } as const;
/** The claim order: the oldest queued job first. */
export const OLDEST_FIRST = { createdAt: 1, _id: 1 } as const;

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A search as a filter: every token must be one of the image's, the last one as a prefix ("ligh"
 * finds "lighthouse"). Not a `$text` index: `$text` cannot match a prefix, cannot be combined
 * with a keyset sort (it wants its own score order, or a blocking sort of every match), and
 * Cosmos DB's MongoDB API lacks it. An anchored, case-sensitive regex over folded tokens uses the
 * multikey index's bounds.
 */
export function searchFilter({ tokens }: ImageSearch): QueryFilter<ImageDoc> {
  const whole = tokens.slice(0, -1);
  const last = tokens[tokens.length - 1];
  const conditions: QueryFilter<ImageDoc>[] = [];
  if (whole.length > 0) conditions.push({ searchTokens: { $all: [...new Set(whole)] } });
  conditions.push({ searchTokens: { $elemMatch: { $regex: `^${escapeRegex(last)}` } } });
  return { $and: conditions };
}

/**
 * Adds "after this cursor, newest first" to `filter`. The `$or` is the keyset condition
 * (`createdAt < a`, or `createdAt = a` and `_id < b`); the outer `createdAt <= a` repeats it as a
 * plain range so that the planner seeks straight to the cursor in a (…, createdAt, _id) index
 * instead of filtering every entry before it: page 1000 costs what page 1 does. `filter` must not
 * have an `$or` of its own (none of ours does).
 */
export function afterCursor<F extends object>(filter: F, after: PageCursor | undefined): F {
  if (!after) return filter;
  const range = (filter as { createdAt?: Record<string, string> }).createdAt ?? {};
  return {
    ...filter,
    createdAt: { ...range, $lte: after.createdAt },
    $or: [
      { createdAt: { $lt: after.createdAt } },
      { createdAt: { $eq: after.createdAt }, _id: { $lt: after.id } },
    ],
  };
}

/** A page of an owner's jobs, of a schedule's runs, or (asked for by name) of every owner's. */
export function jobListFilter(filter: JobFilter, after?: PageCursor): QueryFilter<JobDoc> {
  // The type already says so; this refuses untyped input, which would match every owner's jobs.
  const everyOwner = 'everyOwner' in filter && filter.everyOwner === true;
  if (filter.ownerId === undefined && filter.scheduleId === undefined && !everyOwner) {
    throw new Error('JobFilter needs ownerId or scheduleId (or everyOwner)');
  }
  const where: QueryFilter<JobDoc> = {};
  if (filter.ownerId !== undefined) where.ownerId = { $eq: filter.ownerId };
  if (filter.scheduleId !== undefined) where.scheduleId = { $eq: filter.scheduleId };
  if (filter.status !== undefined) where.status = { $eq: filter.status };
  return afterCursor(where, after);
}

/** A gallery or history page. */
export function imageListFilter(filter: ImageQuery, after?: PageCursor): QueryFilter<ImageDoc> {
  const where: QueryFilter<ImageDoc> = {};
  if (filter.visibility) where.visibility = { $eq: filter.visibility };
  if (filter.ownerId) where.ownerId = { $eq: filter.ownerId };
  if (filter.provider) where.provider = { $eq: filter.provider };
  if (filter.model) where.model = { $eq: filter.model };
  // `$eq` on an array field matches an element: a whole tag, never a prefix of one.
  if (filter.tag) where.tags = { $eq: filter.tag };
  if (filter.from || filter.to) {
    where.createdAt = {
      ...(filter.from ? { $gte: filter.from } : {}),
      ...(filter.to ? { $lt: filter.to } : {}),
    };
  }
  if (filter.search) Object.assign(where, searchFilter(filter.search));
  return afterCursor(where, after);
}

/** A page of users, newest first; `email` (folded) anywhere in the address. */
export function userListFilter(filter: UserFilter, after?: PageCursor): QueryFilter<UserDoc> {
  const where: QueryFilter<UserDoc> =
    filter.email === undefined ? {} : { email: { $regex: escapeRegex(filter.email) } };
  return afterCursor(where, after);
}

export function scheduleListFilter(
  ownerId: string | undefined,
  after?: PageCursor,
): QueryFilter<ScheduleDoc> {
  const where: QueryFilter<ScheduleDoc> =
    ownerId === undefined ? {} : { ownerId: { $eq: ownerId } };
  return afterCursor(where, after);
}

/**
 * Idempotency lookups repeat the unique indexes' partial filters (`$type: 'string'`), so that the
 * planner may use those indexes: it only uses a partial index for a query that implies its filter.
 */
export const idempotencyKeyFilter = (ownerId: string, key: string): QueryFilter<JobDoc> => ({
  ownerId: { $eq: ownerId },
  idempotencyKey: { $eq: key, $type: 'string' },
});

export const scheduleSlotFilter = (scheduleId: string, slot: string): QueryFilter<JobDoc> => ({
  scheduleId: { $eq: scheduleId, $type: 'string' },
  slot: { $eq: slot, $type: 'string' },
});

export const activeJobsFilter = (ownerId: string): QueryFilter<JobDoc> => ({
  ownerId: { $eq: ownerId },
  status: { $in: ['queued', 'running'] },
});

/** Runnable queued jobs; sorted `OLDEST_FIRST`, the first one is the claim. */
export const claimFilter = (now: string): QueryFilter<JobDoc> => ({
  status: 'queued',
  runAfter: { $lte: now },
});

/** One atomic update: `running` for the worker, one more attempt, the first start kept. */
export const claimUpdate = (workerId: string, now: string): UpdateQuery<JobDoc> => ({
  $set: { status: 'running', workerId, heartbeatAt: now, updatedAt: now },
  $inc: { attempts: 1 },
  // Sets startedAt when it is absent (first claim), keeps it otherwise: `coalesce` without an
  // aggregation-pipeline update, which Cosmos DB's MongoDB API does not run.
  $min: { startedAt: now },
});

/**
 * Compare-and-set: the job must still be in `from` (and, when given, held by `workerId`, with its
 * last heartbeat at `heartbeatAt`).
 */
export function transitionFilter(
  id: string,
  from: JobStatus,
  workerId?: string,
  heartbeatAt?: string,
): QueryFilter<JobDoc> {
  return {
    _id: { $eq: id },
    status: { $eq: from },
    ...(workerId === undefined ? {} : { workerId: { $eq: workerId } }),
    ...(heartbeatAt === undefined ? {} : { heartbeatAt: { $eq: heartbeatAt } }),
  };
}

/** Every field a job patch may set: the `$set` copies these and nothing else. */
const JOB_PATCH_FIELDS: FieldSet<JobPatch> = {
  status: true,
  lineage: true,
  error: true,
  imageIds: true,
  finishedAt: true,
  runAfter: true,
  workerId: true,
  heartbeatAt: true,
  attempts: true,
  providerRef: true,
};

/** A job patch as `$set`; fields left undefined stay as they are. */
export function jobPatchUpdate(patch: JobPatch, now: string): UpdateQuery<JobDoc> {
  return { $set: { ...pick(patch, JOB_PATCH_FIELDS), updatedAt: now } };
}

/** The job, only while it still lists `imageId`: a removal that finds nothing changes nothing. */
export const jobWithImageFilter = (jobId: string, imageId: string): QueryFilter<JobDoc> => ({
  _id: { $eq: jobId },
  imageIds: { $eq: imageId },
});

/** `$pull` takes the id out in place, so concurrent removals from one job all hold. */
export const removeImageIdUpdate = (imageId: string, now: string): UpdateQuery<JobDoc> => ({
  $pull: { imageIds: { $eq: imageId } },
  $set: { updatedAt: now },
});

export const staleRunningFilter = (staleBefore: string): QueryFilter<JobDoc> => ({
  status: 'running',
  heartbeatAt: { $lt: staleBefore },
});

/** Every field a schedule patch may set: all but those fixed when the schedule is made. */
const SCHEDULE_PATCH_FIELDS: FieldSet<SchedulePatch> = withoutFields(
  SCHEDULE_FIELDS,
  'id',
  'ownerId',
  'system',
  'createdAt',
);

export function schedulePatchUpdate(patch: SchedulePatch): UpdateQuery<ScheduleDoc> {
  return { $set: pick(patch, SCHEDULE_PATCH_FIELDS) };
}

export const recordFailureUpdate = (updatedAt: string): UpdateQuery<ScheduleDoc> => ({
  $inc: { consecutiveFailures: 1 },
  $set: { updatedAt },
});

/**
 * An image patch as `$set`, or `null` when it changes nothing. New tags bring new search tokens,
 * made with the image's prompt (which never changes), in the same update.
 */
export function imagePatchUpdate(patch: ImagePatch, prompt: string): UpdateQuery<ImageDoc> | null {
  const set: Partial<ImageDoc> = {};
  if (patch.visibility !== undefined) set.visibility = patch.visibility;
  if (patch.tags !== undefined) {
    set.tags = [...patch.tags];
    set.searchTokens = searchTokens(prompt, patch.tags);
  }
  return Object.keys(set).length > 0 ? { $set: set } : null;
}

/** Images or thumbnails stored under any of `keys`. */
export const referencedKeysFilter = (keys: readonly string[]): QueryFilter<ImageDoc> => ({
  $or: [{ blobKey: { $in: [...keys] } }, { thumbnailKey: { $in: [...keys] } }],
});

/** The defined values of `source` among `fields`, arrays copied. */
function pick<T extends object>(source: T, fields: FieldSet<T>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields) as (keyof T & string)[]) {
    const value = source[key];
    if (value !== undefined) out[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
  }
  return out;
}

/**
 * What a refused write names: the fields of the unique index that refused it, `null` when the
 * server does not say which (Cosmos DB's MongoDB API leaves `keyPattern` out), or `undefined` when
 * the error is not a duplicate key at all.
 */
export function duplicateKeyFields(error: unknown): string[] | null | undefined {
  const e = error as {
    code?: unknown;
    keyPattern?: unknown;
    errorResponse?: { keyPattern?: unknown };
  } | null;
  if (!e || e.code !== 11000) return undefined;
  const pattern = e.keyPattern ?? e.errorResponse?.keyPattern;
  return pattern && typeof pattern === 'object' ? Object.keys(pattern) : null;
}

/**
 * Whether a duplicate-key refusal may come from the unique index on `fields`. When the server
 * does not name the index, callers confirm by reading the record that holds the key.
 */
export function mayViolate(error: unknown, fields: readonly string[]): boolean {
  const refused = duplicateKeyFields(error);
  if (refused === undefined) return false;
  if (refused === null) return true;
  return refused.length === fields.length && fields.every((field) => refused.includes(field));
}
