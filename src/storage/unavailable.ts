import { DomainError, StorageUnavailableError, type StoreName } from '../common/errors.js';
import { wrapMethods } from '../common/method-proxy.js';

/**
 * Says why a store cannot serve now (it is down, unreachable, overloaded or timing out), or
 * undefined when `error` is something else: a bug, or an answer about the request itself.
 */
export type UnavailableReason = (error: unknown) => string | undefined;

/** Node's and undici's codes for a store that cannot be reached, or stopped answering. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
]);

const NETWORK_CODE_IN_TEXT = new RegExp(`\\b(${[...NETWORK_CODES].join('|')})\\b`);

/** Statuses a store answers when it cannot serve now; anything else is about the request. */
const UNAVAILABLE_STATUSES: Readonly<Record<number, string>> = {
  408: 'it timed out',
  429: 'it is throttling requests',
  500: 'it failed (500)',
  502: 'it failed (502)',
  503: 'it is unavailable (503)',
  504: 'it timed out (504)',
};

/**
 * A network failure anywhere in `error`: its own `code`, its `cause`s, or the attempts of an
 * `AggregateError` (Node tries each address of a host, and reports them all).
 */
export function networkFailure(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 4) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return `it cannot be reached (${code})`;
  }
  // Some SDKs re-wrap the socket's error keeping only its text (the AWS SDK's retry does, with an
  // error object from another realm): Node's message names the code ("connect ECONNREFUSED ...").
  const { message } = error as { message?: unknown };
  const named = typeof message === 'string' ? NETWORK_CODE_IN_TEXT.exec(message)?.[1] : undefined;
  if (named) return `it cannot be reached (${named})`;
  if (Array.isArray(errors)) {
    for (const attempt of errors) {
      const reason = networkFailure(attempt, depth + 1);
      if (reason) return reason;
    }
  }
  return networkFailure(cause, depth + 1);
}

/** What an HTTP status from a store says, when it says the store cannot serve now. */
export function statusFailure(status: unknown): string | undefined {
  return typeof status === 'number' ? UNAVAILABLE_STATUSES[status] : undefined;
}

/**
 * `port` (a store adapter) with every rejection that `unavailable` explains turned into a
 * `StorageUnavailableError` naming `store` (a 503 with `Retry-After`, and what readiness says),
 * the original kept as its `cause`. Our own errors, and every other error, pass unchanged.
 */
export function translatingUnavailable<T extends object>(
  port: T,
  store: StoreName,
  unavailable: UnavailableReason,
): T {
  const translate = (error: unknown): unknown => {
    if (error instanceof DomainError) return error;
    const reason = unavailable(error);
    return reason ? new StorageUnavailableError(store, reason, { cause: error }) : error;
  };
  return wrapMethods(port, (_name, call) => (...args) => {
    let result: unknown;
    try {
      result = call(...args);
    } catch (error) {
      throw translate(error);
    }
    return result instanceof Promise
      ? result.catch((error: unknown) => {
          throw translate(error);
        })
      : result;
  });
}
