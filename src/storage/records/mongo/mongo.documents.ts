/**
 * How each record is stored in MongoDB, and the mapping both ways. A document is the record with
 * `_id` in place of `id`, plus internal fields the ports never see (`searchTokens`). Times stay
 * ISO strings, so that they sort as text like in every other store.
 */
import type {
  GenerationJob,
  GenerationRequest,
  ImageRecord,
  JobError,
  JobStatus,
  PromptLineage,
  Role,
  Schedule,
  ScheduleTemplate,
  User,
  Visibility,
} from '../../../domain/records.js';
import { searchTokens } from '../image-search.js';

export interface UserDoc {
  _id: string;
  email: string;
  passwordHash: string;
  role: Role;
  createdAt: string;
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

export const toUserDoc = (user: User): UserDoc => ({
  _id: user.id,
  email: user.email,
  passwordHash: user.passwordHash,
  role: user.role,
  createdAt: user.createdAt,
});

export const fromUserDoc = (doc: UserDoc): User => ({
  id: doc._id,
  email: doc.email,
  passwordHash: doc.passwordHash,
  role: doc.role,
  createdAt: doc.createdAt,
});

export function toJobDoc(job: GenerationJob): JobDoc {
  const doc: JobDoc = {
    _id: job.id,
    ownerId: job.ownerId,
    status: job.status,
    request: job.request,
    lineage: job.lineage,
    attempts: job.attempts,
    error: job.error,
    imageIds: [...job.imageIds],
    idempotencyKey: job.idempotencyKey,
    requestHash: job.requestHash,
    scheduleId: job.scheduleId,
    slot: job.slot,
    providerRef: job.providerRef,
    workerId: job.workerId,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    finishedAt: job.finishedAt,
    heartbeatAt: job.heartbeatAt,
    runAfter: job.runAfter,
  };
  if (job.startedAt !== null) doc.startedAt = job.startedAt;
  return doc;
}

/** `?? null`: a field written as null or left out reads back as null either way. */
export const fromJobDoc = (doc: JobDoc): GenerationJob => ({
  id: doc._id,
  ownerId: doc.ownerId,
  status: doc.status,
  request: doc.request,
  lineage: doc.lineage,
  attempts: doc.attempts,
  error: doc.error ?? null,
  imageIds: doc.imageIds ?? [],
  idempotencyKey: doc.idempotencyKey ?? null,
  requestHash: doc.requestHash ?? null,
  scheduleId: doc.scheduleId ?? null,
  slot: doc.slot ?? null,
  providerRef: doc.providerRef ?? null,
  workerId: doc.workerId ?? null,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  startedAt: doc.startedAt ?? null,
  finishedAt: doc.finishedAt ?? null,
  heartbeatAt: doc.heartbeatAt ?? null,
  runAfter: doc.runAfter,
});

export const toImageDoc = (image: ImageRecord): ImageDoc => ({
  _id: image.id,
  ownerId: image.ownerId,
  jobId: image.jobId,
  index: image.index,
  scheduleId: image.scheduleId,
  visibility: image.visibility,
  lineage: image.lineage,
  prompt: image.prompt,
  negativePrompt: image.negativePrompt,
  provider: image.provider,
  model: image.model,
  width: image.width,
  height: image.height,
  seed: image.seed,
  contentType: image.contentType,
  byteSize: image.byteSize,
  sha256: image.sha256,
  blobKey: image.blobKey,
  thumbnailKey: image.thumbnailKey,
  thumbnailContentType: image.thumbnailContentType,
  tags: [...image.tags],
  createdAt: image.createdAt,
  searchTokens: searchTokens(image.prompt, image.tags),
});

/** Reads are projected without `searchTokens`, so it is optional here. */
export const fromImageDoc = (doc: Omit<ImageDoc, 'searchTokens'>): ImageRecord => ({
  id: doc._id,
  ownerId: doc.ownerId,
  jobId: doc.jobId,
  index: doc.index,
  scheduleId: doc.scheduleId ?? null,
  visibility: doc.visibility,
  lineage: doc.lineage,
  prompt: doc.prompt,
  negativePrompt: doc.negativePrompt ?? null,
  provider: doc.provider,
  model: doc.model,
  width: doc.width,
  height: doc.height,
  seed: doc.seed ?? null,
  contentType: doc.contentType,
  byteSize: doc.byteSize,
  sha256: doc.sha256,
  blobKey: doc.blobKey,
  thumbnailKey: doc.thumbnailKey,
  thumbnailContentType: doc.thumbnailContentType,
  tags: doc.tags ?? [],
  createdAt: doc.createdAt,
});

export const toScheduleDoc = (schedule: Schedule): ScheduleDoc => ({
  _id: schedule.id,
  ownerId: schedule.ownerId,
  name: schedule.name,
  cron: schedule.cron,
  timezone: schedule.timezone,
  enabled: schedule.enabled,
  template: schedule.template,
  pausedReason: schedule.pausedReason,
  consecutiveFailures: schedule.consecutiveFailures,
  lastRunAt: schedule.lastRunAt,
  nextRunAt: schedule.nextRunAt,
  system: schedule.system,
  createdAt: schedule.createdAt,
  updatedAt: schedule.updatedAt,
});

export const fromScheduleDoc = (doc: ScheduleDoc): Schedule => ({
  id: doc._id,
  ownerId: doc.ownerId,
  name: doc.name,
  cron: doc.cron,
  timezone: doc.timezone,
  enabled: doc.enabled,
  template: doc.template,
  pausedReason: doc.pausedReason ?? null,
  consecutiveFailures: doc.consecutiveFailures,
  lastRunAt: doc.lastRunAt ?? null,
  nextRunAt: doc.nextRunAt ?? null,
  system: doc.system,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
});
