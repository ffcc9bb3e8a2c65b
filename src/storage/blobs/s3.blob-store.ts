import { Readable, Transform, pipeline } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ByteRange } from '../../common/http-range.js';
import type { BlobsConfig } from '../../config/config-slices.js';
import { withDeadline } from '../../lifecycle/deadline.js';
import { BlobStore, type BlobInfo, type BlobRead, type BlobWriteOptions } from './blob-store.js';
import { assertRangeShape, blobInfo, outsideError, toBlobRead } from './remote-range.js';
import { networkFailure, statusFailure, type UnavailableReason } from '../unavailable.js';

export type S3BlobStoreOptions = NonNullable<BlobsConfig['s3']>;

/** S3-compatible servers may ignore Range and send the whole blob (200, no Content-Range). */
const S3 = { name: 'S3', mayIgnoreRange: true } as const;
/** The smallest part S3 accepts; a streamed body shorter than this goes up in one PutObject. */
const PART_BYTES = 5 * 1024 * 1024;
const PART_CONCURRENCY = 2;
/** HEAD requests in flight at once while listing (S3 lists no content types). */
const HEAD_CONCURRENCY = 8;

/**
 * Blobs in one S3 bucket (or an S3-compatible server's). The bucket is not created here: it is
 * provisioned with its policies, and ping() says when it is missing.
 */
export class S3BlobStore extends BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly readTimeoutMs: number;

  constructor(options: S3BlobStoreOptions) {
    super();
    this.bucket = options.bucket;
    this.readTimeoutMs = options.readTimeoutMs;
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle,
      ...(options.accessKeyId && options.secretAccessKey
        ? {
            credentials: {
              accessKeyId: options.accessKeyId,
              secretAccessKey: options.secretAccessKey,
            },
          }
        : {}),
      // The default (WHEN_SUPPORTED) sends a stream body as aws-chunked with a trailing checksum,
      // and some S3-compatible servers (s3rver among them) store that framing inside the object:
      // silent corruption. Checksums only where an operation requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /**
   * A Buffer goes up in one PutObject; a stream through `Upload`: one PutObject when it is shorter
   * than a part, else a multipart upload, which S3 assembles only on completion and which is
   * aborted when anything fails, so no partial object is ever visible.
   */
  async put(key: string, body: Buffer | Readable, options: BlobWriteOptions): Promise<BlobInfo> {
    const params = {
      Bucket: this.bucket,
      Key: key,
      ContentType: options.contentType,
      ...(options.cacheControl ? { CacheControl: options.cacheControl } : {}),
    };
    let size: number;
    if (Buffer.isBuffer(body)) {
      await this.client.send(
        new PutObjectCommand({ ...params, Body: body, ContentLength: body.length }),
      );
      size = body.length;
    } else {
      size = await this.upload(params, body);
    }
    // S3 does not say when it stored the object; this clock is close enough and saves a HEAD.
    return { key, size, contentType: options.contentType, lastModified: new Date() };
  }

  async get(key: string, range?: ByteRange): Promise<BlobRead | null> {
    if (range) assertRangeShape(key, range);
    let output;
    try {
      // Bounded until the answer starts; the body then streams as fast as the caller reads it.
      output = await this.bounded((abortSignal) =>
        this.client.send(
          new GetObjectCommand({
            Bucket: this.bucket,
            Key: key,
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
          { abortSignal },
        ),
      );
    } catch (error) {
      if (nameOf(error) === 'NoSuchKey') return null;
      if (statusOf(error) === 416 && range) throw outsideError(key, range);
      throw error;
    }
    const answer = {
      body: output.Body instanceof Readable ? output.Body : undefined,
      contentLength: output.ContentLength,
      contentType: output.ContentType,
      contentRange: output.ContentRange,
    };
    return toBlobRead(key, answer, range, S3);
  }

  async stat(key: string): Promise<BlobInfo | null> {
    try {
      const output = await this.bounded((abortSignal) =>
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), {
          abortSignal,
        }),
      );
      return blobInfo(key, {
        contentLength: output.ContentLength,
        contentType: output.ContentType,
        lastModified: output.LastModified,
      });
    } catch (error) {
      // A HEAD answer has no body, so a missing bucket reads as a missing key too: ping() tells.
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<boolean> {
    // S3 answers a delete the same whether or not the object was there: ask first.
    if (!(await this.stat(key))) return false;
    // Bounded like a read: a delete abandoned in flight that lands later does what was asked.
    await this.bounded((abortSignal) =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal }),
    );
    return true;
  }

  /**
   * ListObjectsV2 gives keys, sizes and dates but no content types, which the port promises: one
   * HEAD per blob, a few at a time. A blob deleted meanwhile is left out.
   */
  async *list(prefix: string): AsyncIterable<BlobInfo> {
    let token: string | undefined;
    do {
      const page = await this.bounded((abortSignal) =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            ...(prefix ? { Prefix: prefix } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
          { abortSignal },
        ),
      );
      const keys = (page.Contents ?? []).flatMap(({ Key }) => (Key ? [Key] : []));
      for (let i = 0; i < keys.length; i += HEAD_CONCURRENCY) {
        const infos = await Promise.all(
          keys.slice(i, i + HEAD_CONCURRENCY).map((key) => this.stat(key)),
        );
        for (const info of infos) if (info) yield info;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** The bucket exists and these credentials reach it. Writes nothing. */
  async ping(): Promise<void> {
    try {
      await this.bounded((abortSignal) =>
        this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal }),
      );
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) {
        throw new Error(`S3 bucket "${this.bucket}" does not exist`, { cause: error });
      }
      if (status === 403) {
        throw new Error(`S3 bucket "${this.bucket}": access denied`, { cause: error });
      }
      throw error;
    }
  }

  /**
   * `read` with an abort signal that fires after the read timeout, unless it has answered. Deletes
   * are bounded the same way; uploads are not (a job's deadline ends them, and the orphan sweep
   * removes what one abandoned leaves).
   */
  private bounded<T>(read: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    return withDeadline(this.readTimeoutMs, read);
  }

  /** A presigned GET (signed here, no request made). */
  override async signedUrl(key: string, ttlSeconds: number): Promise<string | null> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: ttlSeconds,
    });
  }

  /** Nest calls this on shutdown: closes the client's kept-alive sockets. */
  onModuleDestroy(): void {
    this.client.destroy();
  }

  /** Streams `body` up; returns its length. */
  private async upload(
    params: { Bucket: string; Key: string; ContentType: string; CacheControl?: string },
    body: Readable,
  ): Promise<number> {
    let size = 0;
    let bodyError: unknown;
    body.once('error', (error) => (bodyError = error));
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        done(null, chunk);
      },
    });
    pipeline(body, counted, () => undefined);
    const upload = new Upload({
      client: this.client,
      params: { ...params, Body: counted },
      partSize: PART_BYTES,
      queueSize: PART_CONCURRENCY,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      counted.destroy();
      // When the body failed, that is the reason, even if aborting the upload failed after it.
      throw bodyError ?? error;
    }
    return size;
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

function nameOf(error: unknown): string | undefined {
  return (error as { name?: string } | null)?.name;
}

/**
 * Why an S3 store cannot serve now: unreachable (the socket's error, as the SDK passes it on), a
 * request that timed out, or an answer that says so (408, 429, 5xx: SlowDown, ServiceUnavailable).
 */
export const s3Unavailable: UnavailableReason = (error) => {
  const { name, $metadata } = (error ?? {}) as {
    name?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  // TimeoutError: the SDK's own; AbortError: the read timeout (`bounded`) aborted the request.
  if (name === 'TimeoutError' || name === 'AbortError') return 'it timed out';
  return networkFailure(error) ?? statusFailure($metadata?.httpStatusCode);
};
