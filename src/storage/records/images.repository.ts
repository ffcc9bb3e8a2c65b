import type { PageCursor, PageRequest } from '../../common/cursor.js';
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

/** A text made of an image's id between two strings: `${before}${id}${after}`. */
export interface IdText {
  readonly before: string;
  readonly after: string;
}

/**
 * How `publicItems` and `ownedItems` lay an image out in JSON: each key, in order, and what it
 * holds, a field of the record as it is (a null as null) or a text made of the id.
 */
export type ItemLayout = readonly (readonly [key: string, value: keyof ImageRecord | IdText])[];

/** One of `ownedItems`' images: its JSON and its visibility. */
export interface OwnedItem {
  readonly json: string;
  readonly visibility: Visibility;
}

export abstract class ImagesRepository {
  /**
   * Whether `listKeys` reads an index only (much cheaper than `list`); otherwise it costs a
   * `list`, and a caller wanting records should `list`.
   */
  readonly keysFromIndex: boolean = false;

  /** Throws `UniqueViolationError('image-job-index')` when the job already has that image. */
  abstract insert(image: ImageRecord): Promise<ImageRecord>;
  abstract findById(id: string): Promise<ImageRecord | null>;

  /**
   * Newest first, keyset after `page.after`, at most `page.limit` rows. `q` is parsed here, once
   * for every adapter; a `q` without a word finds nothing.
   */
  list(filter: ImageFilter, page: PageRequest): Promise<ImageRecord[]> {
    const parsed = parsedQuery(filter, page);
    return parsed ? this.listMatching(parsed.query, parsed.page) : Promise.resolve([]);
  }

  /**
   * `list`'s page as keys only (id and createdAt), for a caller that holds most records already
   * (the gallery's item cache): a store that can read them from an index alone overrides
   * `listMatchingKeys`.
   */
  listKeys(filter: ImageFilter, page: PageRequest): Promise<PageCursor[]> {
    const parsed = parsedQuery(filter, page);
    return parsed ? this.listMatchingKeys(parsed.query, parsed.page) : Promise.resolve([]);
  }

  /** The records of those of `ids` that exist, in any order. */
  async findByIds(ids: readonly string[]): Promise<ImageRecord[]> {
    const found = await Promise.all(ids.map((id) => this.findById(id)));
    return found.filter((image) => image !== null);
  }

  /**
   * Of `ids`, the public images' JSON, laid out as `layout` says, by id (an id that is not a
   * public image's is left out): the gallery's list items. A store that can write JSON itself
   * (SQLite, in C, at half the cost) overrides this; it must give the same text as this.
   */
  async publicItems(ids: readonly string[], layout: ItemLayout): Promise<Map<string, string>> {
    const items = new Map<string, string>();
    for (const image of await this.findByIds(ids)) {
      if (image.visibility === 'public') items.set(image.id, laidOut(image, layout));
    }
    return items;
  }

  /**
   * Of `ids`, the images of `ownerId` (public and private), each as JSON laid out as `layout`
   * says and with its visibility, by id (an id that is not one of theirs is left out): a
   * history's list items. A store that can write JSON itself overrides this, as `publicItems`.
   */
  async ownedItems(
    ids: readonly string[],
    ownerId: string,
    layout: ItemLayout,
  ): Promise<Map<string, OwnedItem>> {
    const items = new Map<string, OwnedItem>();
    for (const image of await this.findByIds(ids)) {
      if (image.ownerId !== ownerId) continue;
      items.set(image.id, { json: laidOut(image, layout), visibility: image.visibility });
    }
    return items;
  }

  /**
   * A number that changes whenever an image is inserted, updated or deleted, through any replica
   * sharing the store; undefined where the store counts no changes. What a caller read after
   * reading this is current for as long as this stays the same.
   */
  changeCount(): Promise<number | undefined> {
    return Promise.resolve(undefined);
  }

  abstract listByJob(jobId: string): Promise<ImageRecord[]>;
  abstract update(id: string, patch: ImagePatch): Promise<ImageRecord | null>;
  /** Returns whether a record was deleted. */
  abstract delete(id: string): Promise<boolean>;
  /** Of `keys` (image or thumbnail blob keys), those some record points at. */
  abstract findReferencedKeys(keys: readonly string[]): Promise<Set<string>>;

  /** `list`, with `q` parsed. */
  protected abstract listMatching(query: ImageQuery, page: PageRequest): Promise<ImageRecord[]>;

  /** `listKeys`, with `q` parsed. */
  protected async listMatchingKeys(query: ImageQuery, page: PageRequest): Promise<PageCursor[]> {
    const images = await this.listMatching(query, page);
    return images.map(({ id, createdAt }) => ({ id, createdAt }));
  }
}

/** `image` as JSON, laid out as `layout` says. */
function laidOut(image: ImageRecord, layout: ItemLayout): string {
  const item: Record<string, unknown> = {};
  for (const [key, value] of layout) {
    item[key] = typeof value === 'string' ? image[value] : value.before + image.id + value.after;
  }
  return JSON.stringify(item);
}

/**
 * A filter and page as the adapters take them: `q` parsed (null: no word, so nothing matches),
 * and of `to` and the cursor, both upper bounds on (createdAt, id), only the tighter one (one
 * range lets a store walk its index; both at once made SQLite scan).
 */
function parsedQuery(
  filter: ImageFilter,
  page: PageRequest,
): { query: ImageQuery; page: PageRequest } | null {
  const { q, ...bounds } = filter;
  let query: ImageQuery = bounds;
  if (query.to !== undefined && page.after !== undefined) {
    if (query.to <= page.after.createdAt) page = { limit: page.limit };
    else query = { ...query, to: undefined };
  }
  if (q === undefined) return { query, page };
  const search = parseImageSearch(q);
  return search ? { query: { ...query, search }, page } : null;
}
