import type OpenAI from 'openai';
import type { APIError } from 'openai';
import { Deadline } from '../../lifecycle/deadline.js';
import { ProviderError } from '../image-provider.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAiClientOptions {
  readonly apiKey?: string;
  readonly baseUrl?: string;
  readonly timeoutMs: number;
}

type Sdk = typeof import('openai');

/** The SDK, once something has imported it (see `createOpenAiClient`). */
let sdk: Sdk | undefined;

/**
 * The SDK (about a hundred modules, 45 ms of start-up on a slow core) is imported when a
 * configured client first calls it, never at start: a service without an OpenAI key never loads it.
 */
async function importSdk(): Promise<Sdk> {
  return (sdk ??= await import('openai'));
}

/** An SDK client, made (and the SDK imported) on first use. */
export type OpenAiClient = () => Promise<OpenAI>;

/**
 * One SDK client, configured from our config only (never from the SDK's own env lookups); none
 * without an API key, which the SDK would otherwise read from OPENAI_API_KEY itself.
 */
export function createOpenAiClient({
  apiKey,
  baseUrl,
  timeoutMs,
}: OpenAiClientOptions): OpenAiClient | null {
  if (!apiKey) return null;
  let client: OpenAI | undefined;
  return async () =>
    (client ??= new (await importSdk()).default({
      apiKey,
      baseURL: baseUrl ?? OPENAI_DEFAULT_BASE_URL,
      // The pipeline owns retries: the job is re-queued with backoff, jitter and Retry-After, and
      // survives restarts. SDK retries would multiply those attempts and hide 429s from the limiter.
      maxRetries: 0,
      // A backstop only: `callOpenAi` aborts first, so a slow call is reported as a timeout.
      timeout: timeoutMs + 5_000,
      // Explicit nulls, or the SDK would read OPENAI_ORG_ID / OPENAI_PROJECT_ID behind config's back.
      organization: null,
      project: null,
    }));
}

/**
 * Runs one SDK call under the caller's `signal` plus a per-call deadline. Failures come out as
 * `ProviderError`s, except an abort of `signal`, whose reason is rethrown: the runner decides what
 * an abort means. (The deadline is ours, not the SDK's, so a timeout is told apart from other
 * connection failures reliably: the SDK cannot when fetch's AbortError comes from another realm.)
 */
export async function callOpenAi<T>(
  signal: AbortSignal | undefined,
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = new Deadline(timeoutMs);
  try {
    return await call(signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal);
  } catch (error) {
    signal?.throwIfAborted();
    if (deadline.expired) {
      throw new ProviderError('timeout', `OpenAI did not answer within ${timeoutMs} ms`, true);
    }
    throw toProviderError(error);
  } finally {
    deadline.clear();
  }
}

/** Codes an OpenAI 400 uses for a refused prompt: images (DALL·E, GPT Image) and Azure's filter. */
const CONTENT_POLICY_CODES = new Set([
  'content_policy_violation',
  'moderation_blocked',
  'content_filter',
]);

/** Translates whatever an SDK call (or a download) threw into a `ProviderError`. */
export function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  // Not imported yet: nothing has called it, so nothing it threw can be here.
  if (sdk && error instanceof sdk.APIConnectionTimeoutError) {
    return new ProviderError('timeout', 'OpenAI did not answer in time', true);
  }
  if (sdk && (error instanceof sdk.APIUserAbortError || error instanceof sdk.APIConnectionError)) {
    return new ProviderError('provider_error', `Could not reach OpenAI: ${causeOf(error)}`, true);
  }
  if (isApiError(error) && typeof error.status === 'number') {
    return fromStatus(error, error.status);
  }
  // A reset while reading the body, or a body that is not the JSON it claims to be.
  return new ProviderError(
    'provider_error',
    `OpenAI call failed: ${(error as Error)?.message ?? String(error)}`,
    true,
  );
}

/** `instanceof` alone types the SDK's generic error as `APIError<any, any, any>`. */
function isApiError(error: unknown): error is APIError {
  return sdk !== undefined && error instanceof sdk.APIError;
}

function fromStatus(error: APIError, status: number): ProviderError {
  const message = providerMessage(error);
  const wait = retryAfterMs(error.headers);
  if (status === 429) {
    return new ProviderError('rate_limited', `OpenAI rate limit: ${message}`, true, wait);
  }
  if (status >= 500) {
    return new ProviderError('provider_error', `OpenAI error ${status}: ${message}`, true, wait);
  }
  if (status === 400 && isContentPolicy(error)) {
    // The provider's own words: they tell the user what to change in the prompt.
    return new ProviderError('content_policy', message, false);
  }
  if (status === 401 || status === 403) {
    return new ProviderError('provider_auth', `OpenAI refused the credentials: ${message}`, false);
  }
  // 408 and 409 (lock timeout) are transient: the SDK's own retry policy, which we turned off,
  // retries exactly these.
  if (status === 408)
    return new ProviderError('timeout', `OpenAI timed out: ${message}`, true, wait);
  if (status === 409) {
    return new ProviderError('provider_error', `OpenAI conflict: ${message}`, true, wait);
  }
  return new ProviderError('provider_rejected', `OpenAI rejected the request: ${message}`, false);
}

function isContentPolicy(error: APIError): boolean {
  if (error.code && CONTENT_POLICY_CODES.has(error.code)) return true;
  return /safety system/i.test(providerMessage(error));
}

/** The error body's own message, without the SDK's "400 " prefix. */
function providerMessage(error: APIError): string {
  const body: { message?: unknown } | undefined = error.error;
  if (typeof body?.message === 'string' && body.message) return body.message;
  return error.message;
}

function causeOf(error: APIError): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : error.message;
}

/** `retry-after-ms` (OpenAI's own), else `Retry-After` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms')?.trim() || NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
