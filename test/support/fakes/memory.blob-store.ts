import { Readable } from 'node:stream';
import type { ByteRange } from '../../../src/common/http-range.js';
import {
  BlobStore,
  type BlobInfo,
  type BlobRead,
  type BlobWriteOptions,
} from '../../../src/storage/blobs/blob-store.js';

interface Blob {
  readonly bytes: Buffer;
  readonly contentType: string;
  readonly lastModified: Date;
}

/**
 * Blobs in a map. A put reads the whole body before it stores anything: all or nothing. Keys are
 * checked by `ValidatedBlobStore` around it, as around every adapter.
 */
export class InMemoryBlobStore extends BlobStore {
  private readonly blobs = new Map<string, Blob>();

  async put(key: string, body: Buffer | Readable, options: BlobWriteOptions): Promise<BlobInfo> {
    const bytes = Buffer.isBuffer(body) ? Buffer.from(body) : await readAll(body);
    const blob = { bytes, contentType: options.contentType, lastModified: new Date() };
    this.blobs.set(key, blob);
    return infoOf(key, blob);
  }

  async get(key: string, range?: ByteRange): Promise<BlobRead | null> {
    const blob = this.blobs.get(key);
    if (!blob) return null;
    const size = blob.bytes.length;
    if (range && (range.start < 0 || range.end < range.start || range.end >= size)) {
      throw new RangeError(`Range ${range.start}-${range.end} is outside ${key} (${size} bytes)`);
    }
    const bytes = range ? blob.bytes.subarray(range.start, range.end + 1) : blob.bytes;
    return {
      stream: Readable.from(bytes.length > 0 ? [bytes] : [], { objectMode: false }),
      size,
      contentType: blob.contentType,
    };
  }

  async stat(key: string): Promise<BlobInfo | null> {
    const blob = this.blobs.get(key);
    return blob ? infoOf(key, blob) : null;
  }

  override async exists(key: string): Promise<boolean> {
    return this.blobs.has(key);
  }

  async delete(key: string): Promise<boolean> {
    return this.blobs.delete(key);
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    for (const [key, blob] of [...this.blobs]) {
      if (key.startsWith(prefix)) yield infoOf(key, blob);
    }
  }

  async ping(): Promise<void> {}
}

function infoOf(key: string, blob: Blob): BlobInfo {
  return {
    key,
    size: blob.bytes.length,
    contentType: blob.contentType,
    lastModified: new Date(blob.lastModified),
  };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
