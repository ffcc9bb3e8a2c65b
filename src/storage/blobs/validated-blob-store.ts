import type { Readable } from 'node:stream';
import type { ByteRange } from '../../common/http-range.js';
import { assertValidKey } from './blob-keys.js';
import { BlobStore, type BlobInfo, type BlobRead, type BlobWriteOptions } from './blob-store.js';

/**
 * The key rule every blob store obeys, written once: no adapter is handed a key that
 * `assertValidKey` refuses (traversal, absolute paths, encodings, control characters...).
 * `BlobsModule` puts this around whichever adapter it picks, as Twenty's validated storage driver
 * does.
 */
export class ValidatedBlobStore extends BlobStore {
  constructor(private readonly store: BlobStore) {
    super();
  }

  async put(key: string, body: Buffer | Readable, options: BlobWriteOptions): Promise<BlobInfo> {
    assertValidKey(key);
    return this.store.put(key, body, options);
  }

  async get(key: string, range?: ByteRange): Promise<BlobRead | null> {
    assertValidKey(key);
    return this.store.get(key, range);
  }

  override async read(key: string): Promise<Buffer | null> {
    assertValidKey(key);
    return this.store.read(key);
  }

  async stat(key: string): Promise<BlobInfo | null> {
    assertValidKey(key);
    return this.store.stat(key);
  }

  override async exists(key: string): Promise<boolean> {
    assertValidKey(key);
    return this.store.exists(key);
  }

  async delete(key: string): Promise<boolean> {
    assertValidKey(key);
    return this.store.delete(key);
  }

  list(prefix: string): AsyncIterable<BlobInfo> {
    return this.store.list(prefix);
  }

  ping(): Promise<void> {
    return this.store.ping();
  }

  override async signedUrl(key: string, ttlSeconds: number): Promise<string | null> {
    assertValidKey(key);
    return this.store.signedUrl(key, ttlSeconds);
  }
}
