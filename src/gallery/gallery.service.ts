import { Injectable, Logger } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { readPage, type Page } from '../common/cursor.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../common/errors.js';
import type { FileMeta, FileResponse, FileStream } from '../common/file-response.js';
import type { SerialisedPage } from '../common/page-response.js';
import { normalizeTag, normalizeTags } from '../common/tags.js';
import { BoundedCache } from '../common/bounded-cache.js';
import { BlobsConfig, GalleryConfig } from '../config/config-slices.js';
import { BlobStore } from '../storage/blobs/blob-store.js';
import { ImagesRepository, type ImageFilter } from '../storage/records/images.repository.js';
import { JobsRepository } from '../storage/records/jobs.repository.js';
import type { ImageRecord, Visibility } from '../domain/records.js';
import {
  ImageDto,
  ITEM_FIELDS_LAYOUT,
  PUBLIC_ITEM_LAYOUT,
  withContentUrls,
  type ImageQueryDto,
  type MyImageQueryDto,
  type UpdateImageDto,
} from './dto/image.dto.js';
import { ContentUrls, type ContentGrant, type ContentKind } from './content-urls.js';
import { PageCache, hashOf, strongEtag } from './page-cache.js';
import { SearchKeys } from './search-keys.js';

/** What a kept record is counted as in memory, about. */
const RECORD_BYTES = 1024;

/** An image's list item, serialised once: its JSON, a hash of it, and whom it may be shown. */
interface SerialisedItem {
  readonly json: string;
  readonly hash: string;
  readonly visibility: Visibility;
}

@Injectable()
export class GalleryService {
  private readonly logger = new Logger(GalleryService.name);
  /**
   * Bytes of blobs sent recently, by key. A key is an image's and never reused, and its bytes
   * never change, so they never go stale; who may read them is checked on every request.
   */
  private readonly blobBytes: BoundedCache<Buffer>;
  /**
   * Each image's list item, serialised, by id: most of a page's cost is reading and serialising
   * its items, and the same images show on many pages and queries. Kept as long as pages are
   * (`GALLERY_CACHE_TTL_MS`, the same freshness bound); which images a page holds is read from
   * the store (a repeated search's, from its matches kept under the same bound: `SearchKeys`).
   */
  private readonly items: BoundedCache<SerialisedItem>;
  /**
   * Records read to serve their bytes, by id, under the same bound: an image's bytes are the most
   * asked-for answer, and the lookup deciding who may have them was most of a thumbnail's cost.
   */
  private readonly records: BoundedCache<ImageRecord>;
  private readonly maxCachedBlob: number;

  constructor(
    private readonly images: ImagesRepository,
    private readonly jobs: JobsRepository,
    private readonly blobs: BlobStore,
    private readonly config: BlobsConfig,
    private readonly urls: ContentUrls,
    private readonly pages: PageCache,
    private readonly searches: SearchKeys,
    gallery: GalleryConfig,
  ) {
    this.blobBytes = new BoundedCache((bytes) => bytes.length, gallery.blobCacheMaxBytes);
    this.items = new BoundedCache(
      (item) => item.json.length,
      gallery.pageCacheMaxBytes,
      gallery.pageCacheTtlMs,
    );
    this.records = new BoundedCache(
      () => RECORD_BYTES,
      gallery.pageCacheMaxBytes,
      gallery.pageCacheTtlMs,
    );
    this.maxCachedBlob = Math.floor(gallery.blobCacheMaxBytes / 8);
  }

  /**
   * The public gallery: everyone's public images, newest first, serialised (from the page cache
   * while fresh). `url` is the request's path and query, the cache key: the page is the same for
   * everyone who asks it. New images show once cached pages expire (`GALLERY_CACHE_TTL_MS`);
   * changes made through this service clear the cache at once.
   */
  publicPage(url: string, query: ImageQueryDto): Promise<SerialisedPage> {
    const filter: ImageFilter = { ...filterOf(query), visibility: 'public' };
    return this.pages.getOrBuild(PageCache.keyFor(url), () => this.list(filter, query));
  }

  /** My history: my images, private ones too; cached under my id. */
  myPage(user: AuthUser, url: string, query: MyImageQueryDto): Promise<SerialisedPage> {
    const filter: ImageFilter = {
      ...filterOf(query),
      ownerId: user.id,
      visibility: query.visibility,
    };
    return this.pages.getOrBuild(PageCache.keyFor(url, user.id), () => this.list(filter, query));
  }

  async get(user: AuthUser | undefined, id: string): Promise<ImageDto> {
    return this.toDto(await this.visible(user, id));
  }

  /**
   * What to send for an image's bytes or its thumbnail's. `signed` is a signed content URL's query
   * (see `ContentUrls`): both parts, or none.
   */
  async content(
    user: AuthUser | undefined,
    id: string,
    kind: ContentKind,
    signed: Partial<ContentGrant>,
  ): Promise<FileResponse> {
    const grant = grantOf(signed);
    const image = await this.readable(user, id, kind, grant);
    const key = blobKeyOf(image, kind);
    return {
      ...fileOf(image, kind),
      body: async () => (await this.signedUrl(key)) ?? this.bytes(image, kind, key),
    };
  }

  /**
   * `content` for anyone without credentials, when the answer is in memory: a public image's
   * record (as `readable` keeps it) and its bytes. Else undefined, and `content` decides.
   */
  cachedPublicContent(id: string, kind: ContentKind): CachedContent | undefined {
    if (this.config.signedUrls) return undefined;
    const image = this.records.get(id);
    if (image?.visibility !== 'public') return undefined;
    const bytes = this.blobBytes.get(blobKeyOf(image, kind));
    if (!bytes) return undefined;
    return { file: fileOf(image, kind), contentType: contentTypeOf(image, kind), bytes };
  }

  async update(user: AuthUser, id: string, patch: UpdateImageDto): Promise<ImageDto> {
    if (patch.visibility === undefined && patch.tags === undefined) {
      throw ValidationError.field('body', 'give visibility or tags');
    }
    await this.owned(user, id);
    const updated = await this.images.update(id, {
      visibility: patch.visibility,
      tags: patch.tags ? normalizeTags(patch.tags) : undefined,
    });
    if (!updated) throw new NotFoundError('No such image');
    this.pages.clear();
    this.searches.clear();
    this.items.delete(id);
    this.records.delete(id);
    return this.toDto(updated);
  }

  /**
   * Takes the image out of its job's `imageIds`, then deletes the record, then both blobs: at
   * every step nothing points at what is already gone. A crash after the first step leaves an
   * image its job no longer lists, which a retried delete finishes; a failed blob delete leaves
   * an orphan for the sweep.
   */
  async delete(user: AuthUser, id: string): Promise<void> {
    const image = await this.owned(user, id);
    await this.jobs.removeImageId(image.jobId, id, new Date().toISOString());
    if (!(await this.images.delete(id))) throw new NotFoundError('No such image');
    this.pages.clear();
    this.searches.clear();
    this.items.delete(id);
    this.records.delete(id);
    this.blobBytes.delete(image.blobKey);
    this.blobBytes.delete(image.thumbnailKey);
    const results = await Promise.allSettled([
      this.blobs.delete(image.blobKey),
      this.blobs.delete(image.thumbnailKey),
    ]);
    for (const result of results) {
      if (result.status === 'rejected') {
        this.logger.warn(
          { err: result.reason as Error, imageId: id },
          'blob delete failed; the orphan sweep will remove it',
        );
      }
    }
  }

  /**
   * A page as JSON, the same bytes `JSON.stringify` would make of the `ImageListDto`. Where the
   * store reads keys from an index (SQLite), ids first: the page's keys, then each image's item
   * from the item cache while fresh, the rest read in one go (the public gallery's and a history's
   * as JSON the store writes: `publicItems`, `ownedItems`).
   */
  private async list(filter: ImageFilter, query: ImageQueryDto): Promise<SerialisedPage> {
    let page: Page<SerialisedItem>;
    if (this.images.keysFromIndex) {
      const keys = await readPage(
        query,
        (p) => this.searches.listKeys(filter, p),
        (key) => key.id,
      );
      page = { items: await this.serialisedItems(keys.items, filter), nextCursor: keys.nextCursor };
    } else {
      // A store without a cheap index read: the page's records in one read, each serialised once.
      const now = Date.now();
      page = await readPage(
        query,
        (p) => this.images.list(filter, p),
        (image) => this.serialise(image, now),
      );
    }
    const nextCursor = JSON.stringify(page.nextCursor);
    const body = `{"items":[${page.items.map((item) => item.json).join(',')}],"nextCursor":${nextCursor}}`;
    // The body is made of the items' JSON, in order, and the cursor: a hash of their hashes is
    // as strong a validator as a hash of the body, for a twentieth of the bytes.
    const etag = strongEtag(`${page.items.map((item) => item.hash).join('')}${nextCursor}`);
    return { body, etag };
  }

  /** An image's list item as JSON, kept in the item cache. */
  private serialise(image: ImageRecord, now: number): SerialisedItem {
    const json = JSON.stringify(ImageDto.from(image, this.urls.urlsFor(image, now)));
    const item = { json, hash: hashOf(json), visibility: image.visibility };
    this.items.set(image.id, item);
    return item;
  }

  /**
   * Each image's item, in `ids`' order. An image that changed between the two reads so that it
   * no longer fits the filter (made private, deleted) is left out of the page.
   */
  private async serialisedItems(ids: string[], filter: ImageFilter): Promise<SerialisedItem[]> {
    const fits = (image: { visibility: Visibility }) =>
      filter.visibility === undefined || image.visibility === filter.visibility;
    // All from the item cache, most of the time: then no map, and no second pass.
    const cached = new Array<SerialisedItem | undefined>(ids.length);
    let missing: string[] | undefined;
    for (let i = 0; i < ids.length; i++) {
      const item = this.items.get(ids[i]);
      if (item && fits(item)) cached[i] = item;
      else (missing ??= []).push(ids[i]);
    }
    if (!missing) return cached as SerialisedItem[];
    const read = new Map<string, SerialisedItem>();
    if (filter.visibility === 'public' && filter.ownerId === undefined) {
      // The public gallery: the items' JSON written by the store, public images only.
      for (const [id, json] of await this.images.publicItems(missing, PUBLIC_ITEM_LAYOUT)) {
        const item = { json, hash: hashOf(json), visibility: 'public' as const };
        this.items.set(id, item);
        read.set(id, item);
      }
    } else {
      // A history, the only other page `list` builds: the owner's items' JSON written by the
      // store, their URLs (signed where private) added here.
      const { ownerId } = filter;
      if (ownerId === undefined)
        throw new Error("A page is the public gallery or one owner's history");
      const now = Date.now();
      const owned = await this.images.ownedItems(missing, ownerId, ITEM_FIELDS_LAYOUT);
      for (const [id, { json, visibility }] of owned) {
        const full = withContentUrls(json, this.urls.urlsFor({ id, visibility }, now));
        const item = { json: full, hash: hashOf(full), visibility };
        this.items.set(id, item);
        if (fits(item)) read.set(id, item);
      }
    }
    return ids.flatMap((id, i) => cached[i] ?? read.get(id) ?? []);
  }

  private toDto(image: ImageRecord): ImageDto {
    return ImageDto.from(image, this.urls.urlsFor(image));
  }

  /**
   * With BLOB_SIGNED_URLS, a URL the store serves the bytes from itself (SAS / presigned), where
   * it can make one.
   */
  private async signedUrl(key: string): Promise<{ redirect: string } | null> {
    if (!this.config.signedUrls) return null;
    const url = await this.blobs.signedUrl(key, this.config.signedUrlTtlSeconds);
    return url ? { redirect: url } : null;
  }

  /**
   * The bytes: from memory when sent recently, else from the store. Small enough blobs are read
   * whole (one read, no stream) and kept; ranges of others are streamed. The record holds the
   * image's size; a thumbnail's comes from the store (or from memory).
   */
  private async bytes(image: ImageRecord, kind: ContentKind, key: string): Promise<FileStream> {
    const contentType = contentTypeOf(image, kind);
    const cached = this.blobBytes.get(key);
    if (cached) {
      return {
        contentType,
        size: cached.length,
        open: async (range) => (range ? cached.subarray(range.start, range.end + 1) : cached),
      };
    }
    const size = kind === 'image' ? image.byteSize : (await this.blobs.stat(key))?.size;
    if (size === undefined) return this.missing(image, key);
    return {
      contentType,
      size,
      open: async (range) => {
        if (range || size > this.maxCachedBlob) {
          return (await this.blobs.get(key, range))?.stream ?? this.missing(image, key);
        }
        const bytes = (await this.blobs.read(key)) ?? this.missing(image, key);
        this.blobBytes.set(key, bytes);
        return bytes;
      },
    };
  }

  private missing(image: ImageRecord, key: string): never {
    this.logger.error({ imageId: image.id, key }, 'image record points at a missing blob');
    throw new NotFoundError('The image content is missing');
  }

  /**
   * The image behind a content URL: with a signature, the one the signature was made for (a bad
   * or expired signature is a 403, checked before the lookup so it reveals nothing); else as
   * `visible` decides. The record may come from `records` (at most `GALLERY_CACHE_TTL_MS` old
   * after a change made on another replica; at once on this one).
   */
  private async readable(
    user: AuthUser | undefined,
    id: string,
    kind: ContentKind,
    grant: ContentGrant | undefined,
  ): Promise<ImageRecord> {
    if (grant && !this.urls.verify(id, kind, grant)) {
      throw new ForbiddenError(
        'The signed URL is invalid or has expired; fetch the image again for a fresh one',
      );
    }
    let image = this.records.get(id);
    if (!image) {
      image = (await this.images.findById(id)) ?? undefined;
      if (image) this.records.set(id, image);
    }
    if (!image || (!grant && image.visibility !== 'public' && !mayManage(user, image))) {
      throw new NotFoundError('No such image');
    }
    return image;
  }

  /** Public images to anyone; private ones to their owner and admins; otherwise 404. */
  private async visible(user: AuthUser | undefined, id: string): Promise<ImageRecord> {
    const image = await this.images.findById(id);
    if (!image || (image.visibility !== 'public' && !mayManage(user, image))) {
      throw new NotFoundError('No such image');
    }
    return image;
  }

  /** The owner's (or an admin's) image; anyone else gets 404, as for a missing one. */
  private async owned(user: AuthUser, id: string): Promise<ImageRecord> {
    const image = await this.images.findById(id);
    if (!image || !mayManage(user, image)) throw new NotFoundError('No such image');
    return image;
  }
}

/** A file's bytes, kept in memory: see `cachedPublicContent`. */
export interface CachedContent {
  readonly file: FileMeta;
  readonly contentType: string;
  readonly bytes: Buffer;
}

function blobKeyOf(image: ImageRecord, kind: ContentKind): string {
  return kind === 'image' ? image.blobKey : image.thumbnailKey;
}

function contentTypeOf(image: ImageRecord, kind: ContentKind): string {
  return kind === 'image' ? image.contentType : image.thumbnailContentType;
}

/** What says whether a copy is current and who may keep one: the bytes' hash, the visibility. */
function fileOf(image: ImageRecord, kind: ContentKind): FileMeta {
  return {
    etag: kind === 'image' ? `"${image.sha256}"` : `"${image.sha256}-thumb"`,
    visibility: image.visibility,
  };
}

function mayManage(user: AuthUser | undefined, image: ImageRecord): boolean {
  return user !== undefined && (user.id === image.ownerId || user.role === 'admin');
}

/** The filters of `GET /me/images` (no owner or visibility: the caller sets those). */
export function filterOf(query: ImageQueryDto): ImageFilter {
  if (query.from && query.to && Date.parse(query.from) >= Date.parse(query.to)) {
    throw ValidationError.field('to', 'must be after from');
  }
  return {
    q: query.q,
    provider: query.provider,
    model: query.model,
    tag: query.tag === undefined ? undefined : normalizeTag(query.tag),
    from: query.from ? new Date(query.from).toISOString() : undefined,
    to: query.to ? new Date(query.to).toISOString() : undefined,
  };
}

/** A signed URL's grant: both parts, or none (one without the other is a 400). */
function grantOf(signed: Partial<ContentGrant>): ContentGrant | undefined {
  if (signed.expires === undefined && signed.signature === undefined) return undefined;
  if (signed.expires === undefined || signed.signature === undefined) {
    throw ValidationError.field(
      signed.expires === undefined ? 'expires' : 'signature',
      'a signed URL needs both expires and signature',
    );
  }
  return { expires: signed.expires, signature: signed.signature };
}
