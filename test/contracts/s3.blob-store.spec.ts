import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';

import type { BlobStore } from '../../src/storage/blobs/blob-store.js';
import { S3BlobStore } from '../../src/storage/blobs/s3.blob-store.js';
import { ValidatedBlobStore } from '../../src/storage/blobs/validated-blob-store.js';
import { startS3rver, type S3rverInstance } from '../support/s3rver.js';
import { describeBlobStoreContract, readAll } from './blob-store.contract.js';

const PNG = { contentType: 'image/png' } as const;
const MiB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let s3rver: S3rverInstance;
/** Reads what the server really stored, with the settings the adapter uses. */
let raw: S3Client;
const stores: S3BlobStore[] = [];
let buckets = 0;

beforeAll(async () => {
  s3rver = await startS3rver();
  raw = client({
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});

afterAll(async () => {
  raw?.destroy();
  for (const store of stores) store.onModuleDestroy();
  await s3rver?.stop();
});

function client(config: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    region: s3rver.region,
    endpoint: s3rver.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3rver.accessKeyId, secretAccessKey: s3rver.secretAccessKey },
    ...config,
  });
}

/** A store on a bucket of its own, so list('') sees only this test's blobs. */
async function freshStore(): Promise<{ store: S3BlobStore; bucket: string }> {
  const bucket = `bucket-${++buckets}-${randomBytes(4).toString('hex')}`;
  await s3rver.createBucket(bucket);
  const store = new S3BlobStore(s3rver.storeOptions(bucket));
  stores.push(store);
  return { store, bucket };
}

async function stored(bucket: string, key: string): Promise<Buffer> {
  const output = await raw.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await output.Body!.transformToByteArray());
}

/** Splits `bytes` into 64 KiB chunks, as a network stream would deliver them. */
function chunksOf(bytes: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += 65_536) {
    chunks.push(bytes.subarray(offset, offset + 65_536));
  }
  return chunks;
}

async function listKeys(store: BlobStore, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) keys.push(info.key);
  return keys.sort();
}

describeBlobStoreContract('s3 (s3rver)', async () => {
  const { store } = await freshStore();
  return { store: new ValidatedBlobStore(store), close: async () => store.onModuleDestroy() };
});

describe('s3 blob store', () => {
  describe('streamed uploads store exactly the bytes sent', () => {
    it.each([
      ['in one PutObject (under 5 MiB)', 300 * 1024 + 3],
      ['as a multipart upload (over 5 MiB)', 6 * MiB + 5],
    ])('%s', async (_label, length) => {
      const { store, bucket } = await freshStore();
      const bytes = randomBytes(length);

      await expect(
        store.put('images/2026/11/streamed.png', Readable.from(chunksOf(bytes)), PNG),
      ).resolves.toMatchObject({ size: length });

      const back = await stored(bucket, 'images/2026/11/streamed.png');
      expect(back.length).toBe(length);
      expect(sha256(back)).toBe(sha256(bytes));
      const read = await store.get('images/2026/11/streamed.png');
      expect(sha256(await readAll(read!.stream))).toBe(sha256(bytes));
    });

    it('and that check catches corruption: a streamed PutObject with SDK default checksums', async () => {
      const { bucket } = await freshStore();
      const defaults = client();
      const bytes = randomBytes(300 * 1024);
      try {
        await defaults.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: 'images/defaults.png',
            Body: Readable.from(chunksOf(bytes)),
            ContentLength: bytes.length,
          }),
        );
      } finally {
        defaults.destroy();
      }

      const back = await stored(bucket, 'images/defaults.png');
      expect(sha256(back)).not.toBe(sha256(bytes));
      // What s3rver kept: the aws-chunked framing (hex chunk size, CRLF) around the bytes sent.
      expect(back.subarray(0, 7).toString('latin1')).toBe('10000\r\n');
      expect(back.length).toBeGreaterThan(bytes.length);
    });
  });

  it('leaves no object when a multipart upload fails midway, and says why', async () => {
    const { store } = await freshStore();
    const chunks = chunksOf(randomBytes(7 * MiB));
    let next = 0;
    const failing = new Readable({
      read() {
        if (next < chunks.length) this.push(chunks[next++]);
        else this.destroy(new Error('upstream connection reset'));
      },
    });

    await expect(store.put('images/broken.png', failing, PNG)).rejects.toThrow(
      'upstream connection reset',
    );

    await expect(store.exists('images/broken.png')).resolves.toBe(false);
    await expect(listKeys(store)).resolves.toEqual([]);
  });

  it('stores the content type and Cache-Control', async () => {
    const { store, bucket } = await freshStore();
    const cacheControl = 'public, max-age=31536000, immutable';

    await store.put('images/a.png', randomBytes(100), { contentType: 'image/png', cacheControl });
    await store.put('thumbnails/a.webp', Readable.from([randomBytes(100)]), {
      contentType: 'image/webp',
      cacheControl,
    });

    await expect(
      raw.send(new HeadObjectCommand({ Bucket: bucket, Key: 'images/a.png' })),
    ).resolves.toMatchObject({ ContentType: 'image/png', CacheControl: cacheControl });
    await expect(
      raw.send(new HeadObjectCommand({ Bucket: bucket, Key: 'thumbnails/a.webp' })),
    ).resolves.toMatchObject({ ContentType: 'image/webp', CacheControl: cacheControl });
  });

  it('presigns a GET that plain fetch can use', async () => {
    const { store } = await freshStore();
    const bytes = randomBytes(3_000);
    await store.put('images/2026/11/a.png', bytes, PNG);

    const url = await store.signedUrl('images/2026/11/a.png', 300);

    expect(url).not.toBeNull();
    const query = new URL(url!).searchParams;
    // s3rver does not verify V4 signatures: here the URL proves its shape and path, not its seal.
    expect(query.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(query.get('X-Amz-Credential')).toMatch(/^S3RVER\//);
    expect(query.get('X-Amz-Expires')).toBe('300');
    expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const response = await fetch(url!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('says which bucket is missing, and never creates it', async () => {
    const store = new S3BlobStore(s3rver.storeOptions('no-such-bucket'));
    stores.push(store);

    await expect(store.ping()).rejects.toThrow('S3 bucket "no-such-bucket" does not exist');
    await expect(store.put('images/a.png', Buffer.from('x'), PNG)).rejects.toThrow();
    await expect(store.ping()).rejects.toThrow('does not exist');
  });
});
