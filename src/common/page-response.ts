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

/**
 * Sends a serialised JSON page: 304 without the bytes when the request's `If-None-Match` holds its
 * ETag, else 200 with them; both with the ETag and the caching headers.
 */
export function sendPage(reply: FastifyReply, page: SerialisedPage, caching: PageCaching): void {
  const headers: Record<string, string> = {
    etag: page.etag,
    'cache-control': caching.cacheControl,
    ...(caching.vary ? { vary: caching.vary } : {}),
  };
  if (matchesEtag(reply.request.headers['if-none-match'], page.etag)) {
    void reply.status(304).headers(headers).send();
    return;
  }
  headers['content-type'] = 'application/json; charset=utf-8';
  void reply.status(200).headers(headers).send(page.body);
}
