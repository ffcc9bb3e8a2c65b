import { createHash } from 'node:crypto';
import { Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { sniffImageType, type ImageType } from '../common/image-type.js';
import { withPngText } from '../common/png-text.js';
import { ImageWorkerPool, type ImageReply } from './image-worker/image-worker-pool.js';

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

export interface ProcessOptions {
  readonly maxPixels: number;
  readonly parameters: Readonly<Record<string, string>>;
  /** Aborting ends the processing at once (the worker thread is abandoned). */
  readonly signal?: AbortSignal;
  /** When the work must be done by (epoch ms): also handed to sharp's own timeout. */
  readonly deadline?: number;
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
 * and makes the thumbnail. The decoding and encoding run on worker threads (`ImageWorkerPool`),
 * so a native call that never returns ends with the signal instead of holding the job.
 */
@Injectable()
export class ImageProcessor implements OnApplicationShutdown {
  private readonly pool: ImageWorkerPool;

  constructor(@Optional() pool?: ImageWorkerPool) {
    this.pool = pool ?? new ImageWorkerPool();
  }

  async process(bytes: Buffer, options: ProcessOptions): Promise<ProcessedImage> {
    const type = sniffImageType(bytes);
    if (!type || !DECODABLE.has(type)) {
      throw new InvalidImageError(
        'The provider returned bytes that are not a PNG, JPEG or WebP image',
      );
    }
    const timeoutSeconds = options.deadline
      ? Math.max(1, Math.ceil((options.deadline - Date.now()) / 1000))
      : 0;
    const decoded = await this.pool.run(
      {
        op: 'decode',
        bytes,
        maxPixels: options.maxPixels,
        toPng: type !== 'image/png',
        timeoutSeconds,
      },
      options.signal,
    );
    if (!decoded.ok) {
      if (!decoded.invalid) throw new Error(decoded.message);
      throw new InvalidImageError(
        `The provider's ${type.slice('image/'.length).toUpperCase()} could not be decoded: ${decoded.message}`,
      );
    }
    const png = withPngText(
      type === 'image/png' ? bytes : asBuffer(decoded.png),
      options.parameters,
    );
    const thumbnail = await this.pool.run({ op: 'thumbnail', png, timeoutSeconds }, options.signal);
    if (!thumbnail.ok) throw new Error(thumbnail.message);
    return {
      png,
      width: decoded.width as number,
      height: decoded.height as number,
      sha256: createHash('sha256').update(png).digest('hex'),
      thumbnail: asBuffer(thumbnail.webp),
    };
  }

  /** Last, once the worker's shutdown grace is over: running jobs may still need the pool until then. */
  onApplicationShutdown(): Promise<void> {
    return this.pool.close();
  }
}

/** A worker's bytes arrive as a `Uint8Array`. */
function asBuffer(value: ImageReply[string]): Buffer {
  const bytes = value as Uint8Array;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

let shared: ImageProcessor | undefined;

/** One processor for callers outside the app's (scripts, tests); its idle threads hold nothing. */
export function sharedImageProcessor(): ImageProcessor {
  shared ??= new ImageProcessor();
  return shared;
}

/** `ImageProcessor.process` on the shared processor. */
export function processImage(bytes: Buffer, options: ProcessOptions): Promise<ProcessedImage> {
  return sharedImageProcessor().process(bytes, options);
}
