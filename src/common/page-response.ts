import type { FastifyReply } from 'fastify';
import { matchesEtag } from './file-response.js';

/** A JSON answer serialised once: its bytes and their strong validator. */
export interface SerialisedPage {
  /** The JSON: as a string when sent once (the socket encodes it), as bytes when kept. */
  readonly body: string | Buffer;
  /** A strong ETag (quoted): equal bytes always carry the same tag, different bytes never. */
  readonly etag: string;
}

/** How a page may be kept by caches: `Cache-Control`, and what the answer varies with. */
export interface PageCaching {
  readonly cacheControl: string;
  readonly vary?: string;
}

/** A page's answer: its status, headers and bytes (none on a 304). */
export interface PageAnswer {
  readonly status: 200 | 304;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer;
}

/**
 * The answer for a serialised JSON page: 304 without the bytes when `ifNoneMatch` (the request's
 * `If-None-Match`) holds its ETag, else 200 with them; both with the ETag and the caching headers.
 */
export function pageAnswer(
  page: SerialisedPage,
  caching: PageCaching,
  ifNoneMatch: string | undefined,
): PageAnswer {
  // Filled a key at a time: see `FrontDoor.headersOf`.
  const headers: Record<string, string> = {};
  headers.etag = page.etag;
  headers['cache-control'] = caching.cacheControl;
  if (caching.vary) headers.vary = caching.vary;
  if (matchesEtag(ifNoneMatch, page.etag)) return { status: 304, headers };
  headers['content-type'] = 'application/json; charset=utf-8';
  return { status: 200, headers, body: page.body };
}

/** Sends a serialised JSON page as `pageAnswer` makes its answer. */
export function sendPage(reply: FastifyReply, page: SerialisedPage, caching: PageCaching): void {
  const answer = pageAnswer(page, caching, reply.request.headers['if-none-match']);
  void reply.status(answer.status).headers(answer.headers).send(answer.body);
}
