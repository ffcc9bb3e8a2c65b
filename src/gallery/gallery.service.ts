import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { decodeCursor, toPage } from '../common/cursor.js';
import {
  ForbiddenError,
  NotFoundError,
  RangeNotSatisfiableError,
  ValidationError,
} from '../common/errors.js';
import { parseRange } from '../common/http-range.js';
import { normalizeTag, normalizeTags } from '../common/tags.js';
import { AppConfig } from '../config/app-config.js';
import { BlobStore } from '../storage/blobs/blob-store.js';
import { ImagesRepository, type ImageFilter } from '../storage/records/images.repository.js';
import { JobsRepository } from '../storage/records/jobs.repository.js';
import type { ImageRecord } from '../storage/records/records.js';
import {
  ImageDto,
  type ImageListDto,
  type ImageQueryDto,
  type MyImageQueryDto,
  type UpdateImageDto,
} from './dto/image.dto.js';
import { ContentUrls, type ContentGrant, type ContentKind } from './content-urls.js';

export interface ContentRequest {
  readonly range?: string;
  readonly ifNoneMatch?: string;
  /** The signature of a signed content URL (see `ContentUrls`), when the URL carried one. */
  readonly grant?: ContentGrant;
}

/** What to send for a content request: the status, headers and (except for 304) the bytes. */
export interface ContentResponse {
  readonly status: 200 | 206 | 302 | 304;
  readonly headers: Record<string, string>;
  readonly body?: Readable;
}

@Injectable()
export class GalleryService {
  private readonly logger = new Logger(GalleryService.name);

  constructor(
    private readonly images: ImagesRepository,
    private readonly jobs: JobsRepository,
    private readonly blobs: BlobStore,
    private readonly config: AppConfig,
    private readonly urls: ContentUrls,
  ) {}

  /** The public gallery: everyone's public images, newest first. */
  listPublic(query: ImageQueryDto): Promise<ImageListDto> {
    return this.list({ ...filterOf(query), visibility: 'public' }, query);
  }

  /** My history: my images, private ones too. */
  listMine(user: AuthUser, query: MyImageQueryDto): Promise<ImageListDto> {
    return this.list({ ...filterOf(query), ownerId: user.id, visibility: query.visibility }, query);
  }

  async get(user: AuthUser | undefined, id: string): Promise<ImageDto> {
    return this.toDto(await this.visible(user, id));
  }

  async content(
    user: AuthUser | undefined,
    id: string,
    kind: ContentKind,
    request: ContentRequest,
  ): Promise<ContentResponse> {
    const image = await this.readable(user, id, kind, request.grant);
    const key = kind === 'image' ? image.blobKey : image.thumbnailKey;
    const etag = kind === 'image' ? `"${image.sha256}"` : `"${image.sha256}-thumb"`;
    const headers: Record<string, string> = {
      etag,
      ...cacheRule(image.visibility),
      'accept-ranges': 'bytes',
    };
    if (request.ifNoneMatch && matchesEtag(request.ifNoneMatch, etag)) {
      return { status: 304, headers };
    }
    if (this.config.blobs.signedUrls) {
      // The store serves the bytes itself (SAS / presigned URL) where it can; the link expires, so
      // the redirect must not be cached longer than it lives.
      const url = await this.blobs.signedUrl(key, this.config.blobs.signedUrlTtlSeconds);
      if (url)
        return { status: 302, headers: { location: url, 'cache-control': 'private, no-store' } };
    }

    const info = await this.blobs.stat(key);
    if (!info) {
      this.logger.error({ imageId: id, key }, 'image record points at a missing blob');
      throw new NotFoundError('The image content is missing');
    }
    const range = parseRange(request.range, info.size);
    if (range === 'unsatisfiable') throw new RangeNotSatisfiableError(info.size);
    const read = await this.blobs.get(key, range);
    if (!read) throw new NotFoundError('The image content is missing');
    const contentType = kind === 'image' ? image.contentType : image.thumbnailContentType;
    if (!range) {
      return {
        status: 200,
        headers: { ...headers, 'content-type': contentType, 'content-length': String(info.size) },
        body: read.stream,
      };
    }
    return {
      status: 206,
      headers: {
        ...headers,
        'content-type': contentType,
        'content-length': String(range.end - range.start + 1),
        'content-range': `bytes ${range.start}-${range.end}/${info.size}`,
      },
      body: read.stream,
    };
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

  private async list(filter: ImageFilter, query: ImageQueryDto): Promise<ImageListDto> {
    const limit = query.limit ?? 20;
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.images.list(filter, { limit: limit + 1, after });
    const now = Date.now();
    return toPage(rows, limit, (image) => ImageDto.from(image, this.urls.urlsFor(image, now)));
  }

  private toDto(image: ImageRecord): ImageDto {
    return ImageDto.from(image, this.urls.urlsFor(image));
  }

  /**
   * The image behind a content URL: with a signature, the one the signature was made for (a bad
   * or expired signature is a 403, checked before the lookup so it reveals nothing); else as
   * `visible`.
   */
  private async readable(
    user: AuthUser | undefined,
    id: string,
    kind: ContentKind,
    grant: ContentGrant | undefined,
  ): Promise<ImageRecord> {
    if (!grant) return this.visible(user, id);
    if (!this.urls.verify(id, kind, grant)) {
      throw new ForbiddenError(
        'The signed URL is invalid or has expired; fetch the image again for a fresh one',
      );
    }
    const image = await this.images.findById(id);
    if (!image) throw new NotFoundError('No such image');
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

function mayManage(user: AuthUser | undefined, image: ImageRecord): boolean {
  return user !== undefined && (user.id === image.ownerId || user.role === 'admin');
}

function filterOf(query: ImageQueryDto): ImageFilter {
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

/**
 * The bytes behind an id never change, but who may read them can: the owner may make an image
 * private or delete it. So caches may keep the bytes but must ask again on every use
 * (`no-cache`); the strong ETag makes that a cheap 304 while nothing changed, and a 404 at once
 * after a change. (`max-age=31536000, immutable` let a proxy serve a withdrawn image for a
 * year.) A private image stays out of shared caches, and its answer depends on who asks.
 */
function cacheRule(visibility: ImageRecord['visibility']): Record<string, string> {
  return visibility === 'public'
    ? { 'cache-control': 'public, no-cache' }
    : { 'cache-control': 'private, no-cache', vary: 'Authorization' };
}

function matchesEtag(header: string, etag: string): boolean {
  return (
    header.trim() === '*' ||
    header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
  );
}
