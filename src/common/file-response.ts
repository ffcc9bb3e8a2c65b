import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { RangeNotSatisfiableError } from './errors.js';
import { parseRange, type ByteRange } from './http-range.js';

/**
 * What a blob route sends, as its service decides it once access is granted: the service says
 * what, `sendFile` says how (conditional requests, ranges, cache headers). Services never build a
 * status or a header.
 */
export interface FileResponse extends FileMeta {
  /** Where the bytes are; asked only when the request is not answered with 304. */
  readonly body: () => Promise<FileBody>;
}

/** What says whether a copy is current, and who may keep one. */
export interface FileMeta {
  /** A strong validator, quoted (`"…"`): the same bytes always carry the same tag. */
  readonly etag: string;
  /** Who may keep a copy: any cache, or only the asker's (see `headersOf`). */
  readonly visibility: 'public' | 'private';
  readonly lastModified?: Date;
}

/** A URL that serves the bytes itself (a blob store's signed URL), or the bytes. */
export type FileBody = { readonly redirect: string } | FileStream;

export interface FileStream {
  readonly contentType: string;
  /** Size of the whole file: ranges are checked against it before anything is read. */
  readonly size: number;
  /** The file, or `range` of it (always inside `size`): streamed, or from memory. */
  open(range?: ByteRange): Promise<Readable | Buffer>;
}

/** The request headers `answerFile` reads. */
export interface FileRequest {
  readonly range?: string;
  readonly 'if-none-match'?: string;
  readonly 'if-modified-since'?: string;
}

export interface FileAnswer {
  readonly status: 200 | 206 | 302 | 304;
  readonly headers: Record<string, string>;
  readonly body?: Readable | Buffer;
}

/** Answers `request` with `file`: 304, 302, 206 or 200; an unsatisfiable range throws (→ 416). */
export async function answerFile(file: FileResponse, request: FileRequest): Promise<FileAnswer> {
  const headers = headersOf(file);
  if (notModified(file, request)) return { status: 304, headers };

  const body = await file.body();
  if ('redirect' in body) {
    // The link expires, so the redirect must not be cached longer than it lives.
    return {
      status: 302,
      headers: { location: body.redirect, 'cache-control': 'private, no-store' },
    };
  }
  const range = rangeOf(request, body.size);
  return withBody(headers, body.contentType, body.size, range, await body.open(range));
}

/**
 * `answerFile` for a file whose bytes are in memory, without a turn of the event loop: the same
 * answer, for the gallery's thumbnails and images sent recently (see `GalleryFastPaths`).
 */
export function answerBytes(
  file: FileMeta,
  contentType: string,
  bytes: Buffer,
  request: FileRequest,
): FileAnswer {
  const headers = headersOf(file);
  if (notModified(file, request)) return { status: 304, headers };
  const range = rangeOf(request, bytes.length);
  const body = range ? bytes.subarray(range.start, range.end + 1) : bytes;
  return withBody(headers, contentType, bytes.length, range, body);
}

/** The validators and caching headers, filled a key at a time (see `FrontDoor.headersOf`). */
function headersOf(file: FileMeta): Record<string, string> {
  const headers: Record<string, string> = {};
  headers.etag = file.etag;
  if (file.visibility === 'public') {
    headers['cache-control'] = PUBLIC_CACHE_CONTROL;
  } else {
    headers['cache-control'] = PRIVATE_CACHE_CONTROL;
    headers.vary = 'Authorization';
  }
  headers['accept-ranges'] = 'bytes';
  if (file.lastModified) headers['last-modified'] = file.lastModified.toUTCString();
  return headers;
}

function rangeOf(request: FileRequest, size: number): ByteRange | undefined {
  const range = parseRange(request.range, size);
  if (range === 'unsatisfiable') throw new RangeNotSatisfiableError(size);
  return range;
}

/** A 200 with the whole file, or a 206 with `range` of it. */
function withBody(
  headers: Record<string, string>,
  contentType: string,
  size: number,
  range: ByteRange | undefined,
  body: Readable | Buffer,
): FileAnswer {
  headers['content-type'] = contentType;
  if (!range) {
    headers['content-length'] = String(size);
    return { status: 200, headers, body };
  }
  headers['content-length'] = String(range.end - range.start + 1);
  headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
  return { status: 206, headers, body };
}

/** Sends `file` as the answer to the request `reply` belongs to. */
export async function sendFile(reply: FastifyReply, file: FileResponse): Promise<void> {
  const answer = await answerFile(file, reply.request.headers);
  await reply.status(answer.status).headers(answer.headers).send(answer.body);
}

/**
 * `Cache-Control` of a public file. The bytes behind a URL never change, but who may read them
 * can: an owner may make an image private or delete it. So caches may keep the bytes but must ask
 * again on every use (`no-cache`); the strong ETag makes that a cheap 304 while nothing changed,
 * and a 404 at once after a change. (`max-age=31536000, immutable` let a proxy serve a withdrawn
 * image for a year.)
 */
const PUBLIC_CACHE_CONTROL = 'public, no-cache';
/** A private file stays out of shared caches, and its answer depends on who asks (`Vary`). */
const PRIVATE_CACHE_CONTROL = 'private, no-cache';

/** Whether an `If-None-Match` header holds `etag` (weakly compared, as RFC 9110 §13.1.2 says). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return (
    ifNoneMatch.trim() === '*' ||
    ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
  );
}

/** RFC 9110 §13.2.2: If-None-Match decides when present; If-Modified-Since only without it. */
function notModified(file: FileMeta, request: FileRequest): boolean {
  const ifNoneMatch = request['if-none-match'];
  if (ifNoneMatch) return matchesEtag(ifNoneMatch, file.etag);
  const since = Date.parse(request['if-modified-since'] ?? '');
  // HTTP dates have whole seconds.
  return (
    file.lastModified !== undefined &&
    Math.floor(file.lastModified.getTime() / 1000) * 1000 <= since
  );
}
