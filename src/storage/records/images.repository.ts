import type { PageRequest } from '../../common/cursor.js';
import { parseImageSearch, type ImageSearch } from './image-search.js';
import type { ImageRecord, Visibility } from '../../domain/records.js';

export interface ImageFilter {
  /** Only images of this owner (history). */
  readonly ownerId?: string;
  /** Only images with this visibility (the public gallery passes `public`). */
  readonly visibility?: Visibility;
  /** Full-text search over the prompt and tags, as `image-search.ts` reads it. */
  readonly q?: string;
  readonly provider?: string;
  readonly model?: string;
  readonly tag?: string;
  /** Inclusive lower bound on createdAt (ISO). */
  readonly from?: string;
  /** Exclusive upper bound on createdAt (ISO). */
  readonly to?: string;
}

/** A filter as the adapters see it: `q` parsed into its words. */
export interface ImageQuery extends Omit<ImageFilter, 'q'> {
  readonly search?: ImageSearch;
}

export interface ImagePatch {
  readonly visibility?: Visibility;
  readonly tags?: readonly string[];
}

export abstract class ImagesRepository {
  /** Throws `UniqueViolationError('image-job-index')` when the job already has that image. */
  abstract insert(image: ImageRecord): Promise<ImageRecord>;
  abstract findById(id: string): Promise<ImageRecord | null>;

  /**
   * Newest first, keyset after `page.after`, at most `page.limit` rows. `q` is parsed here, once
   * for every adapter; a `q` without a word finds nothing.
   */
  list(filter: ImageFilter, page: PageRequest): Promise<ImageRecord[]> {
    const { q, ...bounds } = filter;
    let query: ImageQuery = bounds;
    if (query.to !== undefined && page.after !== undefined) {
      // `to` and the cursor are both upper bounds on (createdAt, id): only the tighter one
      // matters, and one range lets a store walk its index (both at once made SQLite scan).
      if (query.to <= page.after.createdAt) page = { limit: page.limit };
      else query = { ...query, to: undefined };
    }
    if (q === undefined) return this.listMatching(query, page);
    const search = parseImageSearch(q);
    return search ? this.listMatching({ ...query, search }, page) : Promise.resolve([]);
  }

  abstract listByJob(jobId: string): Promise<ImageRecord[]>;
  abstract update(id: string, patch: ImagePatch): Promise<ImageRecord | null>;
  /** Returns whether a record was deleted. */
  abstract delete(id: string): Promise<boolean>;
  /** Of `keys` (image or thumbnail blob keys), those some record points at. */
  abstract findReferencedKeys(keys: readonly string[]): Promise<Set<string>>;

  /** `list`, with `q` parsed. */
  protected abstract listMatching(query: ImageQuery, page: PageRequest): Promise<ImageRecord[]>;
}
