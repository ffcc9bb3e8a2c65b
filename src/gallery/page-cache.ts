import { hash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ADMISSION_WINDOW_MS, Admission } from '../common/admission.js';
import { BoundedCache } from '../common/bounded-cache.js';
import type { PageCaching, SerialisedPage } from '../common/page-response.js';
import { GalleryConfig } from '../config/config-slices.js';

/**
 * The gallery's cache of serialised pages, so a page that did not change is not read, mapped and
 * serialised again for every visitor.
 *
 * Keys are what decides a page's bytes: the request's path and query as sent, and for a user's
 * own history that user's id too (`keyFor`), so no one ever gets a page built for someone else.
 * The public gallery's key has no user in it because its answer has none: credentials are ignored
 * there and it lists public images only.
 *
 * Freshness: an entry lives `GALLERY_CACHE_TTL_MS` (1 s by default), which bounds how stale any
 * replica's pages can be after a change made anywhere; a change made through this replica clears
 * its cache at once (`clear`). Memory is bounded by `GALLERY_CACHE_MAX_BYTES`, oldest entry out
 * first. A TTL of 0 turns the cache off (every page is built and still gets its ETag).
 */
@Injectable()
export class PageCache {
  private readonly pages: BoundedCache<SerialisedPage>;
  /**
   * Keys asked for in the last minute: a page is kept from its second ask, so a flood of
   * one-off queries (every `to` instant, every search) neither evicts the pages everyone asks
   * for nor churns memory; it costs a repeated query one build more.
   */
  private readonly asked: Admission;

  constructor(private readonly config: GalleryConfig) {
    this.pages = new BoundedCache(
      (page) => page.body.length,
      config.pageCacheMaxBytes,
      config.pageCacheTtlMs,
    );
    this.asked = new Admission(
      Math.ceil(config.pageCacheMaxBytes / 16),
      config.pageCacheTtlMs > 0 ? ADMISSION_WINDOW_MS : 0,
    );
  }

  /** The key of a user's own page (`userId`), or of a page the same for everyone (no user). */
  static keyFor(url: string, userId?: string): string {
    return userId === undefined ? url : `${userId} ${url}`;
  }

  /**
   * What caches may do with a page: the public gallery's may be kept by shared caches (a CDN) for
   * as long as the server keeps it, and revalidated by browsers on every use; a user's own pages
   * by that user's browser only, revalidated on every use.
   */
  caching(scope: 'public' | 'private'): PageCaching {
    if (scope === 'private') return { cacheControl: 'private, no-cache', vary: 'Authorization' };
    const seconds = Math.floor(this.config.pageCacheTtlMs / 1000);
    return {
      cacheControl: seconds > 0 ? `public, max-age=0, s-maxage=${seconds}` : 'public, no-cache',
    };
  }

  /** The page under `key` while it is fresh. */
  get(key: string): SerialisedPage | undefined {
    return this.pages.get(key);
  }

  /**
   * The page under `key`: the cached one while fresh, else the one `build` makes, kept when `key`
   * was asked for before (see `asked`).
   */
  async getOrBuild(key: string, build: () => Promise<SerialisedPage>): Promise<SerialisedPage> {
    const cached = this.get(key);
    if (cached) return cached;
    const page = await build();
    if (!this.asked.askedBefore(key)) return page;
    // Kept as bytes: encoded once, sent many times.
    const kept = { body: Buffer.from(page.body), etag: page.etag };
    this.pages.set(key, kept);
    return kept;
  }

  /** Forgets every page (not which were asked for): something they may show has changed. */
  clear(): void {
    this.pages.clear();
  }
}

/**
 * 128 bits of `data`'s SHA-1, in base64url (22 characters). One-shot `hash`: half the cost of a
 * `createHash` object for the few hundred bytes a page's ETag hashes.
 */
export function hashOf(data: string | Buffer): string {
  return hash('sha1', data, 'base64url').slice(0, 22);
}

/** A strong ETag of `data` (or of what `data` identifies): its hash, quoted. */
export function strongEtag(data: string | Buffer): string {
  return `"${hashOf(data)}"`;
}
