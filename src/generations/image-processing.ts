import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { sniffImageType, type ImageType } from '../common/image-type.js';
import { withPngText } from '../common/png-text.js';

export const THUMBNAIL_SIZE = 256;

export interface ProcessedImage {
  /** The image as PNG, carrying the generation parameters in text chunks. */
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
  readonly sha256: string;
  /** WebP, fitted inside 256×256. */
  readonly thumbnail: Buffer;
}

/** Provider bytes that are not a whole, decodable image of a known type. */
export class InvalidImageError extends Error {
  override readonly name = 'InvalidImageError';
}

/** What the pipeline decodes; anything else is refused before decoding. */
const DECODABLE = new Set<ImageType>(['image/png', 'image/jpeg', 'image/webp']);

/**
 * Checks a provider's bytes (magic number, then a full decode under a pixel limit, so truncated or
 * hostile files fail here), normalises them to PNG with `parameters` embedded, hashes the result
 * and makes the thumbnail.
 */
export async function processImage(
  bytes: Buffer,
  options: { maxPixels: number; parameters: Readonly<Record<string, string>> },
): Promise<ProcessedImage> {
  const type = sniffImageType(bytes);
  if (!type || !DECODABLE.has(type)) {
    throw new InvalidImageError(
      'The provider returned bytes that are not a PNG, JPEG or WebP image',
    );
  }
  const decoder = () => sharp(bytes, { limitInputPixels: options.maxPixels, failOn: 'truncated' });
  let png: Buffer;
  let width: number;
  let height: number;
  try {
    const raw = await decoder().raw().toBuffer({ resolveWithObject: true });
    ({ width, height } = raw.info);
    png = type === 'image/png' ? bytes : await decoder().png().toBuffer();
  } catch (error) {
    throw new InvalidImageError(
      `The provider's ${type.slice('image/'.length).toUpperCase()} could not be decoded: ${(error as Error).message}`,
    );
  }
  png = withPngText(png, options.parameters);
  const thumbnail = await sharp(png)
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
  return {
    png,
    width,
    height,
    sha256: createHash('sha256').update(png).digest('hex'),
    thumbnail,
  };
}
