import type { Problem, ProblemField } from './types.js';

/**
 * An answer other than 2xx, as an Error: `message` is the problem's `detail` (plain words, fit to
 * show), `problem` the RFC 9457 body (with `errors` naming each field at fault on a 400).
 */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly status: number;

  constructor(
    readonly problem: Problem,
    readonly response: Response,
  ) {
    super(problem.detail);
    this.status = response.status;
  }
}

/**
 * The data of an openapi-fetch result (`undefined` for a 204), or a ProblemError for any other
 * answer than 2xx.
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw new ProblemError(toProblem(result.error, result.response), result.response);
}

/** The body as a Problem: kept when it is one, made from whatever came (proxy pages, text) if not. */
export function toProblem(body: unknown, response: Response): Problem {
  const fields = isObject(body) ? body : {};
  const status = typeof fields.status === 'number' ? fields.status : response.status;
  const title =
    text(fields.title) ?? text(fields.error) ?? (response.statusText || `HTTP ${response.status}`);
  const detail =
    text(fields.detail) ??
    text(fields.message) ??
    (typeof body === 'string' && body.trim() !== '' && body.length <= 500 ? body.trim() : null) ??
    `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`;
  const problem: Problem = {
    type: text(fields.type) ?? 'about:blank',
    title,
    status,
    detail,
    instance: text(fields.instance) ?? pathOf(response.url),
    code: text(fields.code) ?? `http-${response.status}`,
    requestId: text(fields.requestId) ?? response.headers.get('X-Request-Id') ?? '',
  };
  if (Array.isArray(fields.errors)) problem.errors = fields.errors as ProblemField[];
  return problem;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}
