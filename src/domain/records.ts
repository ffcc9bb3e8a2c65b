/**
 * The records every store keeps, as plain objects. Times are ISO-8601 UTC strings with
 * milliseconds (`2026-11-22T10:00:00.000Z`), so they sort as text in every backend.
 */

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const VISIBILITIES = ['public', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
/** How a prompt is made: curated datasets at random, the user's own text, or an LLM. */
export const PROMPT_STRATEGY_NAMES = ['random', 'literal', 'llm'] as const;
export type PromptStrategyName = (typeof PROMPT_STRATEGY_NAMES)[number];
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];

export interface User {
  readonly id: string;
  /** Lower-cased; unique. */
  readonly email: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly createdAt: string;
  /** A disabled account's tokens and API keys stop working at once; it cannot sign in. */
  readonly disabled: boolean;
  /**
   * Access tokens issued before this instant (whole seconds, as JWT `iat`) are refused: set when
   * the password changes and on "sign out everywhere". Null: none refused.
   */
  readonly tokensValidAfter: string | null;
}

/** A user as created: a new account is enabled and has refused no token yet. */
export type NewUser = Omit<User, 'disabled' | 'tokensValidAfter'> &
  Partial<Pick<User, 'disabled' | 'tokensValidAfter'>>;

/**
 * The account the built-in schedule (AUTO_GENERATE_CRON) generates as: nobody signs in to it, and
 * the daily image quota does not apply to it. (`SYSTEM_USER_ID` in scheduling/schedule.runner.ts
 * is the same id.)
 */
export const SYSTEM_USER_ID = '00000000-0000-7000-8000-000000000000';

/**
 * One refresh token of a session. Each refresh rotates the token: the presented one is marked
 * used and a new one joins the same family (the session). Only a SHA-256 hash of the token is
 * stored.
 */
export interface Session {
  readonly id: string;
  /** The session: every token rotated from the first one of a sign-in, and its access tokens' `sid`. */
  readonly familyId: string;
  readonly userId: string;
  /** base64url SHA-256 of the refresh token. */
  readonly tokenHash: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** When the token was exchanged for a new one; a used token presented again is a theft. */
  readonly usedAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string;
  /** The client that signed in (User-Agent), for a person reviewing their sessions. */
  readonly userAgent: string | null;
}

/** What an API key may do. A session may do what its role allows: everything but `admin` for users. */
export const API_SCOPES = [
  'images:read',
  'images:write',
  'generations:write',
  'schedules:write',
  'admin',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** A long-lived credential for REST clients: `ifk_<id>_<secret>`; only a hash of the secret is kept. */
export interface ApiKey {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly scopes: readonly ApiScope[];
  /** base64url SHA-256 of the secret part of the key. */
  readonly secretHash: string;
  readonly createdAt: string;
  /** Kept to the minute: a key used often is not written on every request. */
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

/** How a prompt came to be: theme → strategy's prompt → the provider's revision of it. */
export interface PromptLineage {
  readonly strategy: PromptStrategyName;
  readonly theme: string | null;
  readonly prompt: string | null;
  readonly revisedPrompt: string | null;
}

/** A generation request after validation and defaults: what the worker will run. */
export interface GenerationRequest {
  readonly strategy: PromptStrategyName;
  readonly theme: string | null;
  /** The user's own text (`literal` strategy). */
  readonly prompt: string | null;
  readonly negativePrompt: string | null;
  readonly provider: string;
  readonly model: string;
  /** `WIDTHxHEIGHT`. */
  readonly size: string;
  readonly n: number;
  /** Seed of the first image; image i uses seed + i. */
  readonly seed: number;
  readonly visibility: Visibility;
  readonly tags: readonly string[];
  /** Provider-specific rendering options, where the model declares them (OpenAI). */
  readonly quality: string | null;
  readonly style: string | null;
}

/** Why a job (or its last attempt) failed; each is documented in the API's `JobErrorCode`. */
export const JOB_ERROR_CODES = [
  'rate_limited',
  'timeout',
  'provider_error',
  'provider_auth',
  'provider_billing',
  'provider_rejected',
  'content_policy',
  'prediction_failed',
  'prediction_canceled',
  'download_refused',
  'download_failed',
  'download_timeout',
  'download_too_large',
  'invalid_image',
  'invalid_request',
  'storage_error',
  'internal_error',
  'crashed',
] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];

export interface JobError {
  readonly code: JobErrorCode;
  readonly message: string;
  readonly retryable: boolean;
}

export interface GenerationJob {
  readonly id: string;
  readonly ownerId: string;
  readonly status: JobStatus;
  readonly request: GenerationRequest;
  readonly lineage: PromptLineage;
  /** Attempts started so far (a claim starts one). */
  readonly attempts: number;
  readonly error: JobError | null;
  readonly imageIds: readonly string[];
  readonly idempotencyKey: string | null;
  /** Fingerprint of the request that first used the idempotency key. */
  readonly requestHash: string | null;
  readonly scheduleId: string | null;
  readonly slot: string | null;
  /** The provider's id for the work (e.g. a Replicate prediction), once it has one. */
  readonly providerRef: string | null;
  /** The replica's worker that holds a running job. */
  readonly workerId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly heartbeatAt: string | null;
  /** A queued job is not claimed before this time (retry backoff). */
  readonly runAfter: string;
}

export interface ImageRecord {
  readonly id: string;
  readonly ownerId: string;
  readonly jobId: string;
  /** Position of the image in its job (0..n-1); (jobId, index) is unique. */
  readonly index: number;
  readonly scheduleId: string | null;
  readonly visibility: Visibility;
  readonly lineage: PromptLineage;
  /** The prompt the provider drew (the revised one where the provider revised it). */
  readonly prompt: string;
  readonly negativePrompt: string | null;
  readonly provider: string;
  readonly model: string;
  readonly width: number;
  readonly height: number;
  readonly seed: number | null;
  readonly contentType: string;
  readonly byteSize: number;
  readonly sha256: string;
  readonly blobKey: string;
  readonly thumbnailKey: string;
  readonly thumbnailContentType: string;
  readonly tags: readonly string[];
  readonly createdAt: string;
}

/** What a schedule generates on each fire: the generation request, minus the seed. */
export type ScheduleTemplate = Omit<GenerationRequest, 'seed'>;

export interface Schedule {
  readonly id: string;
  readonly ownerId: string;
  readonly name: string;
  /** Cron expression (5 or 6 fields). */
  readonly cron: string;
  /** IANA time zone the cron expression is read in. */
  readonly timezone: string;
  readonly enabled: boolean;
  readonly template: ScheduleTemplate;
  /** Why the schedule paused itself (consecutive failures), or null. */
  readonly pausedReason: string | null;
  readonly consecutiveFailures: number;
  /** Slot (fire time, ISO) of the last run started. */
  readonly lastRunAt: string | null;
  readonly nextRunAt: string | null;
  /** The built-in AUTO_GENERATE_CRON schedule. */
  readonly system: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Raised by adapters when a uniqueness rule of the store refuses a write. */
export class UniqueViolationError extends Error {
  override readonly name = 'UniqueViolationError';
  constructor(readonly constraint: 'user-email' | 'image-job-index') {
    super(`Unique constraint violated: ${constraint}`);
  }
}
