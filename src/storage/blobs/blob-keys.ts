/** Blob keys: made here from server-side ids, and checked before any adapter touches storage. */

export class InvalidBlobKeyError extends Error {
  override readonly name = 'InvalidBlobKeyError';
  constructor(key: string) {
    super(`Invalid blob key: ${JSON.stringify(key)}`);
  }
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * A key is 1..512 characters of `/`-separated segments of letters, digits, `.`, `_` and `-`, none
 * empty, none `.` or `..`, none starting with a dot: no traversal, no absolute paths, no encodings,
 * no control characters.
 */
export function assertValidKey(key: string): void {
  if (
    typeof key !== 'string' ||
    key.length === 0 ||
    key.length > 512 ||
    key.split('/').some((segment) => !SEGMENT.test(segment))
  ) {
    throw new InvalidBlobKeyError(key);
  }
}

function monthPath(createdAt: string): string {
  return `${createdAt.slice(0, 4)}/${createdAt.slice(5, 7)}`;
}

export function imageKey(imageId: string, createdAt: string, extension = 'png'): string {
  return `images/${monthPath(createdAt)}/${imageId}.${extension}`;
}

export function thumbnailKey(imageId: string, createdAt: string): string {
  return `thumbnails/${monthPath(createdAt)}/${imageId}.webp`;
}

/** Prefixes under which every blob belongs to an image record (swept when none does). */
export const IMAGE_BLOB_PREFIXES = ['images/', 'thumbnails/'] as const;
