import { Injectable } from '@nestjs/common';
import { ADMISSION_WINDOW_MS, Admission } from '../common/admission.js';
import { BoundedCache } from '../common/bounded-cache.js';
import type { PageCursor, PageRequest } from '../common/cursor.js';
import { GalleryConfig } from '../config/config-slices.js';
import { ImagesRepository, type ImageFilter } from '../storage/records/images.repository.js';

/** A search's matches are kept only when there are at most this many (~6 MB of keys). */
export const MAX_KEPT_MATCHES = 50_000;
/**
 * How long a search found to match too many is taken to still match too many. Its pages come from
 * the store, current whatever this says, so this bounds only how soon a search that came down to
 * `MAX_KEPT_MATCHES` gets kept; reading up to that many keys again on every change to the images
 * (a new one every few seconds, on a busy service) cost a dense search ~0.16 s at 1M images.
 */
export const TOO_MANY_RECHECK_MS = 60_000;
/** What a kept key costs in memory, about (two short strings and an object). */
const BYTES_PER_KEY = 120;

type Matches = readonly PageCursor[] | 'too many';

/** A search's matches, and what says whether they are still current. */
interface Kept {
  readonly matches: Matches;
  /** The store's change count read just before the matches were (undefined: it keeps none). */
  readonly changes: number | undefined;
  /** When they were last known current (read, or the change count found the same). */
  readonly checkedAt: number;
}

/**
 * The keys every full-text search matches, newest first, kept under the page cache's freshness
 * bound (`GALLERY_CACHE_TTL_MS`; a change made through this replica clears them at once).
 *
 * SQLite answers a search page by building the search's whole match set and then walking the
 * newest-first index against it, or looking the matches up where they are few (its
 * `searchPlan`): ~3 ms at 1M images for a word in 1.5% of the prompts, on every page, cursor and
 * `to` bound alike. Kept, the same matches serve every page of that search under any bound in a
 * binary search. A search is kept from its second ask within a minute (a one-off search goes to
 * the store, as before) and only when it matches at most `MAX_KEPT_MATCHES` images: reading that
 * many keys takes ~5 µs a match at 1M images (~80 ms for 15k). A search matching more stays a
 * store query (SQLite reads a dense one's page in chunks of its index: under a millisecond), and
 * is found to match too many again at most once in `TOO_MANY_RECHECK_MS`.
 *
 * Past the bound, kept matches are checked, not read again: where the store counts its changes
 * (`changeCount`, one row read in microseconds, every replica's changes counted), matches are
 * current while the count is the one read before them. So the read happens once per change to
 * the images, not once a second; elsewhere it happens once a bound.
 *
 * Only where the store reads keys from an index (`keysFromIndex`); elsewhere pages are read whole.
 */
@Injectable()
export class SearchKeys {
  private readonly kept: BoundedCache<Kept>;
  private readonly asked: Admission;
  private readonly ttlMs: number;
  /** `MAX_KEPT_MATCHES`; smaller in tests. */
  protected readonly maxKept: number = MAX_KEPT_MATCHES;

  constructor(
    private readonly images: ImagesRepository,
    config: GalleryConfig,
  ) {
    this.ttlMs = config.pageCacheTtlMs;
    // No age limit of its own: `current` checks an entry's age against the bound.
    this.kept = new BoundedCache(
      ({ matches }) => (matches === 'too many' ? 64 : matches.length * BYTES_PER_KEY),
      config.pageCacheMaxBytes,
      this.ttlMs > 0 ? Infinity : 0,
    );
    this.asked = new Admission(
      Math.ceil(config.pageCacheMaxBytes / 16),
      this.ttlMs > 0 ? ADMISSION_WINDOW_MS : 0,
    );
  }

  /** `ImagesRepository.listKeys(filter, page)`: from the kept matches when `filter` searches. */
  async listKeys(filter: ImageFilter, page: PageRequest): Promise<PageCursor[]> {
    if (!filter.q || !this.images.keysFromIndex) return this.images.listKeys(filter, page);
    const unbounded = { ...filter, from: undefined, to: undefined };
    const matches = await this.current(JSON.stringify(unbounded), unbounded);
    return matches === undefined || matches === 'too many'
      ? this.images.listKeys(filter, page)
      : within(matches, filter, page);
  }

  /** Forgets every search's matches: something they may hold has changed. */
  clear(): void {
    this.kept.clear();
  }

  /**
   * The current matches of the search `unbounded` (under `key`): kept ones while within the
   * bound, or still current by the store's change count; else read, when asked before (else
   * undefined: the caller asks the store for its page alone).
   */
  private async current(key: string, unbounded: ImageFilter): Promise<Matches | undefined> {
    const now = Date.now();
    const kept = this.kept.get(key);
    const bound = kept?.matches === 'too many' ? TOO_MANY_RECHECK_MS : this.ttlMs;
    if (kept && now - kept.checkedAt < bound) return kept.matches;
    if (!kept && !this.asked.askedBefore(key)) return undefined;
    // Read before the matches: a change made while they are read shows as a new count.
    const changes = await this.images.changeCount();
    if (kept && changes !== undefined && changes === kept.changes) {
      // Set again, so the matches in use are the last to make room for others.
      this.kept.set(key, { ...kept, checkedAt: now });
      return kept.matches;
    }
    const all = await this.images.listKeys(unbounded, { limit: this.maxKept + 1 });
    const matches = all.length > this.maxKept ? 'too many' : all;
    this.kept.set(key, { matches, changes, checkedAt: now });
    return matches;
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
