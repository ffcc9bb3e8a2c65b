import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER } from './logging.js';
import type { ProblemDto } from './problem.dto.js';

/**
 * What happens at the HTTP edge, before Nest's pipeline: body parsing, URLs the router cannot
 * read, requests the HTTP parser refuses. Each answer is problem+json like every other error, and
 * none echoes the request back.
 */

/** Deeper JSON than this is refused (400) before validation, whose recursion would overflow. */
export const MAX_JSON_DEPTH = 32;

/**
 * Longest path parameter the router accepts. Fastify's default (100) answers longer ones with a
 * plain 414 echoing the URL; this lets them reach the id validation (400 naming `id`). Node's
 * header limit (16 KiB) bounds the URL anyway.
 */
export const MAX_PARAM_LENGTH = 16_384;

/** A problem body for answers made outside Nest's filter. */
export function problemBody(
  status: number,
  detail: string,
  instance: string,
  requestId: string,
  field?: string,
): ProblemDto {
  const code = (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    type: `urn:image-forge:problem:${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    instance,
    code,
    requestId,
    ...(field ? { errors: [{ field, message: detail }] } : {}),
  };
}

/**
 * The JSON body parser: an empty body sent as JSON (Swagger UI and many clients set the type
 * anyway) means no body, as it does without the header; nesting past MAX_JSON_DEPTH is a 400, and
 * so is a string that is not Unicode (a lone surrogate, which JSON's `\ud800` escape can carry:
 * validators, encoders and databases downstream throw on it or silently change it).
 */
export function registerJsonParser(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') {
      done(null, undefined);
      return;
    }
    if (nestingDepth(text) > MAX_JSON_DEPTH) {
      done(bodyError(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    void parseJson(request, text, (error, value) => {
      if (!error && !isWellFormed(value)) {
        done(bodyError('The JSON body holds a string that is not valid Unicode'), undefined);
        return;
      }
      done(error, value);
    });
  });
}

function bodyError(message: string): FastifyError {
  const error = new Error(message) as FastifyError;
  error.statusCode = 400;
  error.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
  return error;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether every string of a parsed JSON value, keys included, is well-formed UTF-16. */
export function isWellFormed(value: unknown): boolean {
  if (typeof value === 'string') return !LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.every(isWellFormed);
  if (value && typeof value === 'object') {
    return Object.entries(value).every(([key, item]) => isWellFormed(key) && isWellFormed(item));
  }
  return true;
}

/** The deepest nesting of brackets and braces outside strings: one pass, no recursion. */
export function nestingDepth(json: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Router-level failures (a URL it cannot decode, for one) as problem+json 400s. */
export function frameworkErrors(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const detail =
    error.code === 'FST_ERR_BAD_URL'
      ? 'The URL is not validly percent-encoded'
      : 'The request could not be routed';
  // Sent before the onRequest hooks run: the request id header is set here.
  void reply
    .status(status)
    .header(REQUEST_ID_HEADER, request.id)
    .header('content-type', 'application/problem+json')
    .send(problemBody(status, detail, instanceOf(request.raw.url), String(request.id), 'path'));
}

/** The request's path for `instance`, cut short: a problem never echoes a huge URL back. */
export function instanceOf(url: string | undefined): string {
  const path = (url ?? '').split('?')[0];
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

/**
 * Requests Node's HTTP parser refuses (headers or URL over 16 KiB: 431; malformed: 400), answered
 * on the socket as problem+json.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 408
        : 400;
  const detail =
    status === 431
      ? 'The request line and headers exceed 16 KiB'
      : status === 408
        ? 'The request took too long to arrive'
        : 'The request is not valid HTTP';
  const body = JSON.stringify(
    problemBody(status, detail, '', '', status === 431 ? 'headers' : undefined),
  );
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
