import type { Readable } from 'node:stream';
import type { ByteRange } from '../common/http-range.js';
import {
  BlobStore,
  type BlobInfo,
  type BlobRead,
  type BlobWriteOptions,
} from '../storage/blobs/blob-store.js';
import type { Metrics } from './metrics.js';

/**
 * A blob store whose every operation is timed into
 * `image_forge_blob_store_operation_duration_seconds`, by operation and outcome. `BlobsModule`
 * puts it around the validated store, whichever adapter that holds; `list` streams and is not
 * timed, `get` is timed until its stream opens.
 */
export class MeteredBlobStore extends BlobStore {
  constructor(
    private readonly store: BlobStore,
    private readonly metrics: Metrics,
  ) {
    super();
  }

  put(key: string, body: Buffer | Readable, options: BlobWriteOptions): Promise<BlobInfo> {
    return this.time('put', () => this.store.put(key, body, options));
  }

  get(key: string, range?: ByteRange): Promise<BlobRead | null> {
    return this.time('get', () => this.store.get(key, range));
  }

  override read(key: string): Promise<Buffer | null> {
    return this.time('read', () => this.store.read(key));
  }

  stat(key: string): Promise<BlobInfo | null> {
    return this.time('stat', () => this.store.stat(key));
  }

  override exists(key: string): Promise<boolean> {
    return this.time('exists', () => this.store.exists(key));
  }

  delete(key: string): Promise<boolean> {
    return this.time('delete', () => this.store.delete(key));
  }

  list(prefix: string): AsyncIterable<BlobInfo> {
    return this.store.list(prefix);
  }

  ping(): Promise<void> {
    return this.time('ping', () => this.store.ping());
  }

  override signedUrl(key: string, ttlSeconds: number): Promise<string | null> {
    return this.time('signed_url', () => this.store.signedUrl(key, ttlSeconds));
  }

  private time<T>(operation: string, run: () => Promise<T>): Promise<T> {
    return this.metrics.time(this.metrics.blobDuration, { operation }, run);
  }
}

/** The blob store `BlobsModule` provides: metered when metrics are on (the app), else as is. */
export function meteredBlobStore(store: BlobStore, metrics: Metrics | undefined): BlobStore {
  return metrics ? new MeteredBlobStore(store, metrics) : store;
}
