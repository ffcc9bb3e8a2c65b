/**
 * How each record is stored in MongoDB, and the mapping both ways. A document is the record with
 * `_id` in place of `id`, plus internal fields the ports never see (`searchTokens`). Times stay
 * ISO strings, so that they sort as text like in every other store.
 */
import type {
  ApiKey,
  ApiScope,
  GenerationJob,
  GenerationRequest,
  ImageRecord,
  JobError,
  JobStatus,
  PromptLineage,
  Role,
  Schedule,
  ScheduleTemplate,
  Session,
  User,
  Visibility,
} from '../../../domain/records.js';
import { searchTokens } from '../image-search.js';
import {
  API_KEY_FIELDS,
  IMAGE_FIELDS,
  JOB_FIELDS,
  pickFields,
  SCHEDULE_FIELDS,
  SESSION_FIELDS,
  USER_FIELDS,
  type FieldSet,
} from '../record-fields.js';

export interface UserDoc {
  _id: string;
  email: string;
  passwordHash: string;
  role: Role;
  createdAt: string;
  /** Absent on users stored before accounts could be disabled: read as false. */
  disabled?: boolean;
  tokensValidAfter?: string | null;
}

export interface SessionDoc {
  _id: string;
  familyId: string;
  userId: string;
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string;
  userAgent: string | null;
}

export interface ApiKeyDoc {
  _id: string;
  userId: string;
  name: string;
  scopes: ApiScope[];
  secretHash: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface QuotaDoc {
  /** `<userId>:<day>`. */
  _id: string;
  userId: string;
  day: string;
  used: number;
}

export interface JobDoc {
  _id: string;
  ownerId: string;
  status: JobStatus;
  request: GenerationRequest;
  lineage: PromptLineage;
  attempts: number;
  error: JobError | null;
  imageIds: string[];
  idempotencyKey: string | null;
  requestHash: string | null;
  scheduleId: string | null;
  slot: string | null;
  providerRef: string | null;
  workerId: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * Absent, not null, until the first claim: a claim sets it with `$min`, which fills a missing
   * field and keeps an earlier start, in the same atomic update (no pipeline updates needed).
   */
  startedAt?: string;
  finishedAt: string | null;
  heartbeatAt: string | null;
  runAfter: string;
}

export interface ImageDoc {
  _id: string;
  ownerId: string;
  jobId: string;
  index: number;
  scheduleId: string | null;
  visibility: Visibility;
  lineage: PromptLineage;
  prompt: string;
  negativePrompt: string | null;
  provider: string;
  model: string;
  width: number;
  height: number;
  seed: number | null;
  contentType: string;
  byteSize: number;
  sha256: string;
  blobKey: string;
  thumbnailKey: string;
  thumbnailContentType: string;
  tags: string[];
  createdAt: string;
  /** Words of the prompt and the tags, folded, for `q` (see `searchFilter`). Never read back. */
  searchTokens: string[];
}

export interface ScheduleDoc {
  _id: string;
  ownerId: string;
  name: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  template: ScheduleTemplate;
  pausedReason: string | null;
  consecutiveFailures: number;
  lastRunAt: string | null;
  nextRunAt: string | null;
  system: boolean;
  createdAt: string;
  updatedAt: string;
}

export const toUserDoc = (user: User): UserDoc => toDoc(user, USER_FIELDS);

/** Users stored before accounts could be disabled read as enabled. */
export const fromUserDoc = (doc: UserDoc): User => ({
  ...fromDoc(doc, USER_FIELDS, ['tokensValidAfter']),
  disabled: doc.disabled ?? false,
});

export const toSessionDoc = (session: Session): SessionDoc => toDoc(session, SESSION_FIELDS);

export const fromSessionDoc = (doc: SessionDoc): Session =>
  fromDoc(doc, SESSION_FIELDS, ['usedAt', 'revokedAt', 'userAgent']);

export const toApiKeyDoc = (key: ApiKey): ApiKeyDoc => ({
  ...toDoc(key, API_KEY_FIELDS),
  scopes: [...key.scopes],
});

export const fromApiKeyDoc = (doc: ApiKeyDoc): ApiKey => ({
  ...fromDoc(doc, API_KEY_FIELDS, ['lastUsedAt', 'revokedAt']),
  scopes: doc.scopes ?? [],
});

/** A record as a document: `_id` in place of `id`. */
function toDoc<T extends { readonly id: string }>(
  record: T,
  fields: FieldSet<T>,
): Omit<T, 'id'> & { _id: string } {
  const { id, ...rest } = pickFields(record, fields);
  return { _id: id, ...rest };
}

/**
 * The record a document holds, `id` from `_id`. The `nullable` fields read as null whether they
 * were written as null or left out.
 */
function fromDoc<T extends { readonly id: string }>(
  doc: { readonly _id: string },
  fields: FieldSet<T>,
  nullable: readonly (keyof T)[],
): T {
  const record = pickFields({ ...doc, id: doc._id } as unknown as T, fields);
  for (const field of nullable) record[field] ??= null as T[keyof T];
  return record;
}

/** Absent, not null, until the first claim (see `JobDoc.startedAt`). */
export function toJobDoc(job: GenerationJob): JobDoc {
  const { startedAt, ...doc } = toDoc(job, JOB_FIELDS);
  return { ...doc, imageIds: [...job.imageIds], ...(startedAt === null ? {} : { startedAt }) };
}

export const fromJobDoc = (doc: JobDoc): GenerationJob => ({
  ...fromDoc(doc, JOB_FIELDS, [
    'error',
    'idempotencyKey',
    'requestHash',
    'scheduleId',
    'slot',
    'providerRef',
    'workerId',
    'startedAt',
    'finishedAt',
    'heartbeatAt',
  ]),
  imageIds: doc.imageIds ?? [],
});

export const toImageDoc = (image: ImageRecord): ImageDoc => ({
  ...toDoc(image, IMAGE_FIELDS),
  tags: [...image.tags],
  searchTokens: searchTokens(image.prompt, image.tags),
});

/** Reads are projected without `searchTokens`, so it is optional here. */
export const fromImageDoc = (doc: Omit<ImageDoc, 'searchTokens'>): ImageRecord => ({
  ...fromDoc(doc, IMAGE_FIELDS, ['scheduleId', 'negativePrompt', 'seed']),
  tags: doc.tags ?? [],
});

export const toScheduleDoc = (schedule: Schedule): ScheduleDoc => toDoc(schedule, SCHEDULE_FIELDS);

export const fromScheduleDoc = (doc: ScheduleDoc): Schedule =>
  fromDoc(doc, SCHEDULE_FIELDS, ['pausedReason', 'lastRunAt', 'nextRunAt']);
