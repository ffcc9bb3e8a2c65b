/**
 * s3rver (an S3-compatible server) in this process, on a free loopback port, storing under a temp
 * folder: for contract suites and for end-to-end runs of the app with BLOB_DRIVER=s3. Always
 * `stop()` it (afterAll / finally), or Jest never exits.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

import type { S3BlobStoreOptions } from '../../src/storage/blobs/s3.blob-store.js';

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
  let endpoint: string;
  try {
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
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
    },
  };
}
