import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import {
  BlobSASPermissions,
  BlobServiceClient,
  StorageSharedKeyCredential,
  type BlobHTTPHeaders,
  type ContainerClient,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import type { ByteRange } from '../../common/http-range.js';
import type { BlobsConfig } from '../../config/config-slices.js';
import { withDeadline } from '../../lifecycle/deadline.js';
import { BlobStore, type BlobInfo, type BlobRead, type BlobWriteOptions } from './blob-store.js';
import { assertRangeShape, blobInfo, outsideError, toBlobRead } from './remote-range.js';
import { networkFailure, statusFailure, type UnavailableReason } from '../unavailable.js';

export type AzureBlobStoreOptions = NonNullable<BlobsConfig['azure']> & {
  /**
   * Streamed bodies up to this many bytes are written with one Put Blob (default 32 MiB); longer
   * ones as staged blocks. See `put`.
   */
  readonly singleShotBytes?: number;
};

/** Azure Blob honours Range: a ranged answer always says which bytes it holds. */
const AZURE = { name: 'Azure', mayIgnoreRange: false } as const;
const SINGLE_SHOT_BYTES = 32 * 1024 * 1024;
const BLOCK_BYTES = 4 * 1024 * 1024;
const BLOCK_CONCURRENCY = 2;

/**
 * Blobs in one Azure Blob container, reached by connection string, account URL + shared key, or
 * account URL + SAS token. The container is created on first use when missing (once per process,
 * retried after a failure), so the app boots while storage is down and readiness says why.
 */
export class AzureBlobStore extends BlobStore {
  private readonly container: ContainerClient;
  private readonly canSign: boolean;
  private readonly singleShotBytes: number;
  private readonly readTimeoutMs: number;
  private containerReady?: Promise<void>;

  constructor(options: AzureBlobStoreOptions) {
    super();
    const service = serviceClient(options);
    this.container = service.getContainerClient(options.container);
    this.canSign = service.credential instanceof StorageSharedKeyCredential;
    this.singleShotBytes = options.singleShotBytes ?? SINGLE_SHOT_BYTES;
    this.readTimeoutMs = options.readTimeoutMs;
  }

  /**
   * Buffers and streams that end within `singleShotBytes` go up in one Put Blob: atomic, and racing
   * puts to one key each succeed, the last one winning. Longer streams are staged as blocks and
   * committed at the end, so a failed upload leaves no blob either; but committing a block list
   * discards every other uncommitted block of that blob, so when two such uploads to one key
   * overlap, the later commit fails (InvalidBlockList) and that put rejects.
   */
  async put(key: string, body: Buffer | Readable, options: BlobWriteOptions): Promise<BlobInfo> {
    await this.ready();
    const blob = this.container.getBlockBlobClient(key);
    const headers: BlobHTTPHeaders = {
      blobContentType: options.contentType,
      ...(options.cacheControl ? { blobCacheControl: options.cacheControl } : {}),
    };
    const whole = Buffer.isBuffer(body) ? body : await readUpTo(body, this.singleShotBytes);
    let size: number;
    let response;
    if (Buffer.isBuffer(whole)) {
      size = whole.length;
      response = await blob.uploadData(whole, { blobHTTPHeaders: headers });
    } else {
      try {
        response = await blob.uploadStream(whole.stream, BLOCK_BYTES, BLOCK_CONCURRENCY, {
          blobHTTPHeaders: headers,
        });
      } catch (error) {
        whole.stream.destroy();
        throw error;
      }
      size = whole.bytesRead();
    }
    return {
      key,
      size,
      contentType: options.contentType,
      lastModified: response.lastModified ?? new Date(),
    };
  }

  async get(key: string, range?: ByteRange): Promise<BlobRead | null> {
    if (range) assertRangeShape(key, range);
    await this.ready();
    const blob = this.container.getBlobClient(key);
    let response;
    try {
      // Bounded until the answer starts; the body then streams as fast as the caller reads it.
      response = await this.bounded((abortSignal) =>
        range
          ? blob.download(range.start, range.end - range.start + 1, { abortSignal })
          : blob.download(0, undefined, { abortSignal }),
      );
    } catch (error) {
      if (statusOf(error) === 404) return null;
      if (statusOf(error) === 416 && range) throw outsideError(key, range);
      throw error;
    }
    const answer = {
      body: response.readableStreamBody as Readable | undefined,
      contentLength: response.contentLength,
      contentType: response.contentType,
      contentRange: response.contentRange,
    };
    return toBlobRead(key, answer, range, AZURE);
  }

  async stat(key: string): Promise<BlobInfo | null> {
    await this.ready();
    try {
      const properties = await this.bounded((abortSignal) =>
        this.container.getBlobClient(key).getProperties({ abortSignal }),
      );
      return blobInfo(key, properties);
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<boolean> {
    await this.ready();
    // Bounded like a read: a delete abandoned in flight that lands later does what was asked.
    const response = await this.bounded((abortSignal) =>
      this.container.getBlobClient(key).deleteIfExists({ deleteSnapshots: 'include', abortSignal }),
    );
    return response.succeeded;
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    await this.ready();
    // Page by page, each page's request bounded on its own: a long listing may take its time.
    let continuationToken: string | undefined;
    do {
      const page = await this.bounded(async (abortSignal) => {
        const next = await this.container
          .listBlobsFlat({ ...(prefix ? { prefix } : {}), abortSignal })
          .byPage({ maxPageSize: 1000, continuationToken })
          .next();
        return next.done ? undefined : next.value;
      });
      if (!page) return;
      for (const item of page.segment.blobItems) {
        yield blobInfo(item.name, item.properties);
      }
      continuationToken = page.continuationToken || undefined;
    } while (continuationToken);
  }

  /** The container exists and these credentials may list it. Writes nothing. */
  async ping(): Promise<void> {
    await this.ready();
    try {
      await this.bounded((abortSignal) =>
        this.container.listBlobsFlat({ abortSignal }).byPage({ maxPageSize: 1 }).next(),
      );
    } catch (error) {
      if (statusOf(error) === 404) {
        throw new Error(`Azure container "${this.container.containerName}" does not exist`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  /** A read-only blob SAS; only a shared key can sign one (a SAS token cannot make another). */
  override async signedUrl(key: string, ttlSeconds: number): Promise<string | null> {
    if (!this.canSign) return null;
    return this.container.getBlobClient(key).generateSasUrl({
      permissions: BlobSASPermissions.parse('r'),
      expiresOn: new Date(Date.now() + ttlSeconds * 1000),
    });
  }

  private ready(): Promise<void> {
    this.containerReady ??= this.createContainer().catch((error: unknown) => {
      this.containerReady = undefined;
      throw error;
    });
    return this.containerReady;
  }

  /**
   * `read` with an abort signal that fires after the read timeout, unless it has answered. Reads
   * wait on `ready()`, so its creation is bounded too: one that never answered would hold every
   * later request of this process. Deletes are bounded the same way; uploads are not (a job's
   * deadline ends them, and the orphan sweep removes what one abandoned leaves).
   */
  private bounded<T>(read: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    return withDeadline(this.readTimeoutMs, read);
  }

  private async createContainer(): Promise<void> {
    try {
      await this.bounded((abortSignal) => this.container.createIfNotExists({ abortSignal }));
    } catch (error) {
      // A container-scoped SAS may not create containers: the container must then exist already,
      // and ping() says so if it does not.
      if (statusOf(error) !== 403) throw error;
    }
  }
}

/**
 * How the SDK retries a failed request: three tries, 0.2 s apart and doubling (at most 2 s), so a
 * store that cannot be reached is a 503 within seconds. The SDK's default (four tries from 4 s
 * apart) held each request ~30 s first. A job's failed write is retried by the job's own policy.
 */
const RETRY: StoragePipelineOptions = {
  retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2_000 },
};

function serviceClient(options: AzureBlobStoreOptions): BlobServiceClient {
  if (options.connectionString)
    return BlobServiceClient.fromConnectionString(options.connectionString, RETRY);
  const accountUrl = options.accountUrl?.replace(/\/+$/, '');
  if (accountUrl && options.accountKey) {
    const credential = new StorageSharedKeyCredential(
      accountNameOf(accountUrl),
      options.accountKey,
    );
    return new BlobServiceClient(accountUrl, credential, RETRY);
  }
  if (accountUrl && options.sasToken) {
    return new BlobServiceClient(
      `${accountUrl}?${options.sasToken.replace(/^\?/, '')}`,
      undefined,
      RETRY,
    );
  }
  throw new Error(
    'Azure Blob needs a connection string, or an account URL with an account key or a SAS token',
  );
}

/**
 * The account a shared key belongs to: the first label of the host
 * (`https://myaccount.blob.core.windows.net`), or the first path segment where the host is an IP
 * address or a single-label name, as emulators are reached (`http://127.0.0.1:10000/devstoreaccount1`,
 * `http://azurite:10000/devstoreaccount1`).
 */
export function accountNameOf(accountUrl: string): string {
  const url = new URL(accountUrl);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const pathStyle = isIP(host) !== 0 || !host.includes('.');
  const name = pathStyle ? url.pathname.split('/').find(Boolean) : host.split('.')[0];
  if (!name) throw new Error(`No storage account name in ${url.origin}${url.pathname}`);
  return name;
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | null)?.statusCode;
}

/**
 * Reads `body` whole if it ends within `limit` bytes; otherwise a stream of the same bytes (those
 * read so far, then the rest) and a count of what went through it.
 */
async function readUpTo(
  body: Readable,
  limit: number,
): Promise<Buffer | { stream: Readable; bytesRead: () => number }> {
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head: Buffer[] = [];
  let length = 0;
  while (length <= limit) {
    const next = await iterator.next();
    if (next.done) return Buffer.concat(head, length);
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    head.push(chunk);
    length += chunk.length;
  }
  let bytesRead = 0;
  async function* everything(): AsyncGenerator<Buffer> {
    for (const chunk of head) {
      bytesRead += chunk.length;
      yield chunk;
    }
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      bytesRead += chunk.length;
      yield chunk;
    }
  }
  const stream = Readable.from(everything(), { objectMode: false });
  stream.once('close', () => {
    if (!stream.readableEnded) body.destroy();
  });
  return { stream, bytesRead: () => bytesRead };
}

/**
 * Why Azure Blob Storage cannot serve now: unreachable (the SDK's `RestError` carries the socket's
 * code, or REQUEST_SEND_ERROR), or an answer that says so (408, 429, 5xx).
 */
export const azureUnavailable: UnavailableReason = (error) => {
  const { code, statusCode, name } = (error ?? {}) as {
    code?: unknown;
    statusCode?: unknown;
    name?: unknown;
  };
  if (code === 'REQUEST_SEND_ERROR') return 'it cannot be reached';
  // The read timeout (`bounded`) aborted the request.
  if (name === 'AbortError') return 'it timed out';
  return networkFailure(error) ?? statusFailure(statusCode);
};
