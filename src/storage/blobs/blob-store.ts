import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { ByteRange } from '../../common/http-range.js';

export interface BlobWriteOptions {
  readonly contentType: string;
  /** Cache-Control for stores that serve blobs directly (signed URLs, CDNs). */
  readonly cacheControl?: string;
}

export interface BlobInfo {
  readonly key: string;
  readonly size: number;
  readonly contentType: string;
  readonly lastModified: Date;
}

export interface BlobRead {
  /** The whole blob, or the range asked for. */
  readonly stream: Readable;
  /** Size of the whole blob. */
  readonly size: number;
  readonly contentType: string;
}

/**
 * Bytes by key. Keys are made by the server (`blob-keys.ts`), never taken from a client, and a key
 * that could leave the store is refused before any adapter sees it (`ValidatedBlobStore`, which
 * the factory puts around every adapter). A port's behaviour is what
 * `test/contracts/blob-store.contract.ts` says.
 */
export abstract class BlobStore {
  /** Writes the whole blob or nothing: readers never see a partial blob. Replaces an existing one. */
  abstract put(key: string, body: Buffer | Readable, options: BlobWriteOptions): Promise<BlobInfo>;
  /** Streams the blob (or `range` of it, which must lie inside it); `null` when there is none. */
  abstract get(key: string, range?: ByteRange): Promise<BlobRead | null>;
  /**
   * The whole blob in memory, `null` when there is none: for small blobs served often. An adapter
   * with a cheaper way than collecting `get`'s stream overrides it.
   */
  async read(key: string): Promise<Buffer | null> {
    const blob = await this.get(key);
    return blob ? buffer(blob.stream) : null;
  }
  abstract stat(key: string): Promise<BlobInfo | null>;
  /** Whether there is a blob at `key`; an adapter with a cheaper way than `stat` overrides it. */
  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }
  /** Returns whether a blob was deleted; deleting a missing blob is not an error. */
  abstract delete(key: string): Promise<boolean>;
  /** Every blob whose key starts with `prefix`. */
  abstract list(prefix: string): AsyncIterable<BlobInfo>;
  /** Resolves when the store can be written and read; rejects with the reason otherwise. */
  abstract ping(): Promise<void>;
  /**
   * A short-lived URL a client can GET the blob from, where the store can make one; `null`
   * otherwise. It does not check that the blob exists.
   */
  signedUrl(_key: string, _ttlSeconds: number): Promise<string | null> {
    return Promise.resolve(null);
  }
}
