import { Injectable } from '@nestjs/common';
import { ADMISSION_WINDOW_MS, Admission } from '../common/admission.js';
import { BoundedCache } from '../common/bounded-cache.js';
import type { PageCursor, PageRequest } from '../common/cursor.js';
import { GalleryConfig } from '../config/config-slices.js';
import { ImagesRepository, type ImageFilter } from '../storage/records/images.repository.js';

/** A search's matches are kept only when there are at most this many (~6 MB of keys). */
export const MAX_KEPT_MATCHES = 50_000;
/** What a kept key costs in memory, about (two short strings and an object). */
const BYTES_PER_KEY = 120;

type Matches = readonly PageCursor[] | 'too many';

/**
 * The keys every full-text search matches, newest first, kept as long as pages are
 * (`GALLERY_CACHE_TTL_MS`, the same freshness bound; a change made through this replica clears
 * them at once).
 *
 * SQLite answers a search page by building the search's whole match set and then walking the
 * newest-first index against it, or looking the matches up where they are few (its
 * `searchPlan`): ~3 ms at 1M images for a word in 1.5% of the prompts, on every page, cursor and
 * `to` bound alike. Kept, the same matches serve every page of that search under any bound in a
 * binary search. A search is kept from its second ask within a minute (a one-off search goes to
 * the store, as before) and only when it matches at most `MAX_KEPT_MATCHES` images: reading that
 * many keys takes ~5 µs a match at 1M images (~80 ms for 15k), once a second at most. A search
 * matching more stays a store query, whose cost grows with its match set (the FTS build).
 *
 * Only where the store reads keys from an index (`keysFromIndex`); elsewhere pages are read whole.
 */
@Injectable()
export class SearchKeys {
  private readonly kept: BoundedCache<Matches>;
  private readonly asked: Admission;

  constructor(
    private readonly images: ImagesRepository,
    config: GalleryConfig,
  ) {
    this.kept = new BoundedCache(
      (matches) => (matches === 'too many' ? 64 : matches.length * BYTES_PER_KEY),
      config.pageCacheMaxBytes,
      config.pageCacheTtlMs,
    );
    this.asked = new Admission(
      Math.ceil(config.pageCacheMaxBytes / 16),
      config.pageCacheTtlMs > 0 ? ADMISSION_WINDOW_MS : 0,
    );
  }

  /** `ImagesRepository.listKeys(filter, page)`: from the kept matches when `filter` searches. */
  async listKeys(filter: ImageFilter, page: PageRequest): Promise<PageCursor[]> {
    if (!filter.q || !this.images.keysFromIndex) return this.images.listKeys(filter, page);
    const unbounded = { ...filter, from: undefined, to: undefined };
    const key = JSON.stringify(unbounded);
    let matches = this.kept.get(key);
    if (matches === undefined) {
      if (!this.asked.askedBefore(key)) return this.images.listKeys(filter, page);
      const all = await this.images.listKeys(unbounded, { limit: MAX_KEPT_MATCHES + 1 });
      matches = all.length > MAX_KEPT_MATCHES ? 'too many' : all;
      this.kept.set(key, matches);
    }
    return matches === 'too many'
      ? this.images.listKeys(filter, page)
      : within(matches, filter, page);
  }

  /** Forgets every search's matches: something they may hold has changed. */
  clear(): void {
    this.kept.clear();
  }
}

/**
 * Those of `matches` (newest first, by createdAt then id) that a store would list for `page` under
 * `filter`'s time bounds: before `to` and after the cursor, at or after `from`, at most
 * `page.limit`. Keys compare as the store compares them (ISO instants and ids are ASCII).
 */
export function within(
  matches: readonly PageCursor[],
  { from, to }: Pick<ImageFilter, 'from' | 'to'>,
  { limit, after }: PageRequest,
): PageCursor[] {
  const fitsAbove = (key: PageCursor) =>
    (to === undefined || key.createdAt < to) &&
    (after === undefined ||
      key.createdAt < after.createdAt ||
      (key.createdAt === after.createdAt && key.id < after.id));
  // Newest first, so the keys above the bounds come first: find the first one that fits.
  let low = 0;
  let high = matches.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (fitsAbove(matches[middle])) high = middle;
    else low = middle + 1;
  }
  const page: PageCursor[] = [];
  for (let i = low; i < matches.length && page.length < limit; i++) {
    if (from !== undefined && matches[i].createdAt < from) break;
    page.push(matches[i]);
  }
  return page;
}
