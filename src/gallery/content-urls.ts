import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuthConfig } from '../config/config-slices.js';
import type { ImageRecord } from '../domain/records.js';
import type { IdText } from '../storage/records/images.repository.js';

export type ContentKind = 'image' | 'thumbnail';

/** A signed content URL's query: proof that the API gave this URL to someone allowed to see it. */
export interface ContentGrant {
  /** Unix seconds after which the URL stops working. */
  readonly expires: number;
  readonly signature: string;
}

/**
 * Signed URLs grant one window; a URL lives between one and two windows. URLs are the same for
 * every request inside a window, so browsers can cache what they point at.
 */
const WINDOW_SECONDS = 3600;

const PATH_OF: Record<ContentKind, string> = { image: 'content', thumbnail: 'thumbnail' };

/** A public image's content URLs, the same for everyone: its id between these. */
const PUBLIC_URLS: Record<ContentKind, IdText> = {
  image: { before: '/api/v1/images/', after: `/${PATH_OF.image}` },
  thumbnail: { before: '/api/v1/images/', after: `/${PATH_OF.thumbnail}` },
};

/** A public image's content URL of `kind`, the same for everyone: its id between these. */
export function publicContentUrl(kind: ContentKind): IdText {
  return PUBLIC_URLS[kind];
}

/**
 * Content URLs as the API hands them out. A public image's URLs are plain (anyone may fetch them,
 * and shared caches may keep them). A private image's URLs, handed only to its owner (or an admin),
 * carry `expires` and an HMAC `signature`, so that an `<img>` element, which cannot send a bearer
 * token, can show it; nobody without the URL can. The key is derived from JWT_SECRET, so every
 * replica signs and verifies alike.
 */
@Injectable()
export class ContentUrls {
  private readonly key: Buffer;

  constructor(config: AuthConfig) {
    this.key = createHmac('sha256', config.jwtSecret).update('image-forge:content-url:v1').digest();
  }

  /** `contentUrl` and `thumbnailUrl` of an image, signed when it is private. */
  urlsFor(
    image: Pick<ImageRecord, 'id' | 'visibility'>,
    now = Date.now(),
  ): { contentUrl: string; thumbnailUrl: string } {
    return {
      contentUrl: this.url(image, 'image', now),
      thumbnailUrl: this.url(image, 'thumbnail', now),
    };
  }

  /** Whether `grant` was signed by us for this image and kind, and has not expired. */
  verify(id: string, kind: ContentKind, grant: ContentGrant, now = Date.now()): boolean {
    const nowSeconds = Math.floor(now / 1000);
    if (grant.expires <= nowSeconds || grant.expires > nowSeconds + 2 * WINDOW_SECONDS)
      return false;
    const expected = Buffer.from(this.sign(id, kind, grant.expires));
    const given = Buffer.from(grant.signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private url(
    image: Pick<ImageRecord, 'id' | 'visibility'>,
    kind: ContentKind,
    now: number,
  ): string {
    const { before, after } = PUBLIC_URLS[kind];
    const path = `${before}${image.id}${after}`;
    if (image.visibility === 'public') return path;
    const window = Math.floor(now / 1000 / WINDOW_SECONDS);
    const expires = (window + 2) * WINDOW_SECONDS;
    return `${path}?expires=${expires}&signature=${this.sign(image.id, kind, expires)}`;
  }

  private sign(id: string, kind: ContentKind, expires: number): string {
    return createHmac('sha256', this.key).update(`${kind}\n${id}\n${expires}`).digest('base64url');
  }
}
