/**
 * The fields of the records that document stores (Cosmos DB, MongoDB) keep, written once. A record
 * read back is built from exactly these, so that what a store adds to a document (`_etag`, `_ts`,
 * `__v`, search text) never reaches a record; and a field added to a record but not here fails to
 * compile.
 */
import type {
  ApiKey,
  GenerationJob,
  ImageRecord,
  Schedule,
  Session,
  User,
} from '../../domain/records.js';

/** Every field of `T`, each once. */
export type FieldSet<T> = { readonly [K in keyof T]-?: true };

export const JOB_FIELDS: FieldSet<GenerationJob> = {
  id: true,
  ownerId: true,
  status: true,
  request: true,
  lineage: true,
  attempts: true,
  error: true,
  imageIds: true,
  idempotencyKey: true,
  requestHash: true,
  scheduleId: true,
  slot: true,
  providerRef: true,
  workerId: true,
  createdAt: true,
  updatedAt: true,
  startedAt: true,
  finishedAt: true,
  heartbeatAt: true,
  runAfter: true,
};

export const IMAGE_FIELDS: FieldSet<ImageRecord> = {
  id: true,
  ownerId: true,
  jobId: true,
  index: true,
  scheduleId: true,
  visibility: true,
  lineage: true,
  prompt: true,
  negativePrompt: true,
  provider: true,
  model: true,
  width: true,
  height: true,
  seed: true,
  contentType: true,
  byteSize: true,
  sha256: true,
  blobKey: true,
  thumbnailKey: true,
  thumbnailContentType: true,
  tags: true,
  createdAt: true,
};

export const SCHEDULE_FIELDS: FieldSet<Schedule> = {
  id: true,
  ownerId: true,
  name: true,
  cron: true,
  timezone: true,
  enabled: true,
  template: true,
  pausedReason: true,
  consecutiveFailures: true,
  lastRunAt: true,
  nextRunAt: true,
  system: true,
  createdAt: true,
  updatedAt: true,
};

export const USER_FIELDS: FieldSet<User> = {
  id: true,
  email: true,
  passwordHash: true,
  role: true,
  createdAt: true,
  disabled: true,
  tokensValidAfter: true,
};

export const SESSION_FIELDS: FieldSet<Session> = {
  id: true,
  familyId: true,
  userId: true,
  tokenHash: true,
  createdAt: true,
  expiresAt: true,
  usedAt: true,
  revokedAt: true,
  lastUsedAt: true,
  userAgent: true,
};

export const API_KEY_FIELDS: FieldSet<ApiKey> = {
  id: true,
  userId: true,
  name: true,
  scopes: true,
  secretHash: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
};

/** `fields` without those `omitted`. */
export function withoutFields<T, K extends keyof T>(
  fields: FieldSet<T>,
  ...omitted: K[]
): FieldSet<Omit<T, K>> {
  const rest: Record<PropertyKey, true> = { ...fields };
  for (const field of omitted) delete rest[field];
  return rest as FieldSet<Omit<T, K>>;
}

/** The record's own fields of `source` (a stored document, or a record), nothing else. */
export function pickFields<T extends object>(source: T, fields: FieldSet<T>): T {
  const record: Partial<T> = {};
  for (const key of Object.keys(fields) as (keyof T)[]) record[key] = source[key];
  return record as T;
}
