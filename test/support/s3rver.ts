/**
 * s3rver (an S3-compatible server) in this process, on a free loopback port, storing under a temp
 * folder: for contract suites and for end-to-end runs of the app with BLOB_DRIVER=s3. Always
 * `stop()` it (afterAll / finally), or Jest never exits.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

import type { S3BlobStoreOptions } from '../../src/storage/blobs/s3.blob-store.js';
import { TEST_STORE_READ_TIMEOUT_MS } from './store-timeout.js';

/**
 * The credentials s3rver knows. It checks V2 signatures only: V4 ones (the SDK's, presigned URLs
 * included) pass unchecked, and so do unsigned requests.
 */
export const S3RVER_ACCESS_KEY_ID = 'S3RVER';
export const S3RVER_SECRET_ACCESS_KEY = 'S3RVER';
export const S3RVER_REGION = 'us-east-1';

export interface S3rverInstance {
  /** `http://127.0.0.1:PORT` (path-style addressing). */
  readonly endpoint: string;
  /** A bucket made at start. */
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Makes another (empty) bucket. */
  createBucket(name: string): Promise<void>;
  /** S3BlobStore settings for `bucket` on this server. */
  storeOptions(bucket?: string): S3BlobStoreOptions;
  /** Variables that point the app (BLOB_DRIVER=s3) at this server and `bucket`. */
  env(bucket?: string): Record<string, string>;
  stop(): Promise<void>;
}

export async function startS3rver({ bucket = 'images' } = {}): Promise<S3rverInstance> {
  const directory = await mkdtemp(join(tmpdir(), 'image-forge-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const staging = await mkdtemp(join(tmpdir(), 'image-forge-s3rver-staging-'));
  putWholeObjects(server, staging);
  let endpoint: string;
  try {
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    await rm(staging, { recursive: true, force: true });
    throw error;
  }

  let admin: S3Client | undefined;
  const storeOptions = (name = bucket): S3BlobStoreOptions => ({
    bucket: name,
    region: S3RVER_REGION,
    endpoint,
    forcePathStyle: true,
    accessKeyId: S3RVER_ACCESS_KEY_ID,
    secretAccessKey: S3RVER_SECRET_ACCESS_KEY,
    readTimeoutMs: TEST_STORE_READ_TIMEOUT_MS,
  });
  return {
    endpoint,
    bucket,
    region: S3RVER_REGION,
    accessKeyId: S3RVER_ACCESS_KEY_ID,
    secretAccessKey: S3RVER_SECRET_ACCESS_KEY,
    async createBucket(name) {
      admin ??= new S3Client({
        region: S3RVER_REGION,
        endpoint,
        forcePathStyle: true,
        credentials: {
          accessKeyId: S3RVER_ACCESS_KEY_ID,
          secretAccessKey: S3RVER_SECRET_ACCESS_KEY,
        },
      });
      await admin.send(new CreateBucketCommand({ Bucket: name }));
    },
    storeOptions,
    env: (name = bucket) => ({
      BLOB_DRIVER: 's3',
      S3_BUCKET: name,
      S3_REGION: S3RVER_REGION,
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: S3RVER_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: S3RVER_SECRET_ACCESS_KEY,
    }),
    async stop() {
      admin?.destroy();
      // Clients keep sockets alive; without this, close() waits for them to time out.
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
      await rm(staging, { recursive: true, force: true });
    },
  };
}

/**
 * Makes s3rver's puts land whole, as S3's do. s3rver writes an object's file in place while the
 * body streams in, so two puts racing on one key left bytes of both (the blob contract's race case
 * failed now and then); on S3 the last complete put wins, whole. Here the body streams to a
 * staging file (outside the buckets' folder, which s3rver lists) that is then renamed into place.
 */
function putWholeObjects(server: S3rver, staging: string): void {
  const { store } = server;
  store.putObject = async (object) => {
    const target = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(target), { recursive: true });
    const file = join(staging, randomUUID());
    const md5 = createHash('md5');
    let size = 0;
    const content = Buffer.isBuffer(object.content)
      ? Readable.from([object.content])
      : object.content;
    await pipeline(
      content,
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          md5.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      }),
      createWriteStream(file),
    );
    const digest = md5.digest('hex');
    await rename(file, target);
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
}
