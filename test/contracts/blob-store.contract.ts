/**
 * The blob-store contract: what every adapter of `BlobStore` (local disk, Azure Blob, S3...) must
 * do, checked through the port alone. An adapter's spec calls `describeBlobStoreContract` with a
 * function that opens a fresh, empty store; each test opens its own.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { newId } from '../../src/common/ids.js';
import { imageKey, InvalidBlobKeyError, thumbnailKey } from '../../src/storage/blobs/blob-keys.js';
import type { BlobInfo, BlobStore } from '../../src/storage/blobs/blob-store.js';

export interface BlobStoreFixture {
  readonly store: BlobStore;
  close(): Promise<void>;
}

const PNG = { contentType: 'image/png' } as const;
const WEBP = { contentType: 'image/webp' } as const;

/** Keys no adapter may touch: traversal, absolute paths, encodings, control characters... */
export const BAD_KEYS: readonly string[] = [
  '../x.png',
  'images/../../x.png',
  '%2e%2e/x.png',
  '..%2Fx.png',
  '/etc/passwd',
  'C:\\x.png',
  'a\\..\\b.png',
  'a\u0000b.png',
  '',
  'a//b.png',
  './a.png',
  '.hidden',
  'a/.. ',
  'images/2026/11/x.png\n',
];

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Splits `bytes` into chunks of uneven sizes, as a network stream would deliver them. */
function chunksOf(bytes: Buffer): Buffer[] {
  const sizes = [1, 7_000, 65_536, 3, 100_000, 16_384];
  const chunks: Buffer[] = [];
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

/** A body that delivers `chunks`, then fails as a dropped upload would. */
function failingStream(chunks: Buffer[]): Readable {
  let next = 0;
  return new Readable({
    read() {
      if (next < chunks.length) this.push(chunks[next++]);
      else this.destroy(new Error('upstream connection reset'));
    },
  });
}

async function listAll(store: BlobStore, prefix: string): Promise<BlobInfo[]> {
  const infos: BlobInfo[] = [];
  for await (const info of store.list(prefix)) infos.push(info);
  return infos.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A real date: checked by tag, as `fs` makes its dates in another realm than Jest's. */
function expectDate(value: unknown): void {
  expect(Object.prototype.toString.call(value)).toBe('[object Date]');
  expect(Number.isNaN((value as Date).getTime())).toBe(false);
}

const keysAndSizes = (infos: BlobInfo[]) => infos.map(({ key, size }) => ({ key, size }));

export function describeBlobStoreContract(
  name: string,
  open: () => Promise<BlobStoreFixture>,
): void {
  describe(`blob store contract: ${name}`, () => {
    let fixture: BlobStoreFixture;
    let store: BlobStore;

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture?.close();
    });

    it('ping() resolves', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('put and get', () => {
      it('stores a Buffer and gives back the same bytes, size and content type', async () => {
        const bytes = randomBytes(4_096);

        const info = await store.put('images/2026/11/a.png', bytes, PNG);

        expect(info).toMatchObject({
          key: 'images/2026/11/a.png',
          size: 4_096,
          contentType: 'image/png',
        });
        expectDate(info.lastModified);
        const read = await store.get('images/2026/11/a.png');
        expect(read).not.toBeNull();
        expect(read!.size).toBe(4_096);
        expect(read!.contentType).toBe('image/png');
        expect((await readAll(read!.stream)).equals(bytes)).toBe(true);
      });

      it('keeps the content type of a .webp blob', async () => {
        const bytes = randomBytes(100);

        await expect(store.put('thumbnails/2026/11/a.webp', bytes, WEBP)).resolves.toMatchObject({
          contentType: 'image/webp',
          size: 100,
        });

        const read = await store.get('thumbnails/2026/11/a.webp');
        expect(read?.contentType).toBe('image/webp');
        expect((await readAll(read!.stream)).equals(bytes)).toBe(true);
      });

      it('stores a streamed body of several chunks byte for byte', async () => {
        const bytes = randomBytes(300 * 1024);

        const info = await store.put(
          'images/2026/11/streamed.png',
          Readable.from(chunksOf(bytes)),
          PNG,
        );

        expect(info.size).toBe(bytes.length);
        const read = await store.get('images/2026/11/streamed.png');
        expect(read?.size).toBe(bytes.length);
        const back = await readAll(read!.stream);
        expect(back.length).toBe(bytes.length);
        expect(sha256(back)).toBe(sha256(bytes));
      });

      it('stores an empty blob', async () => {
        await expect(store.put('images/empty.png', Buffer.alloc(0), PNG)).resolves.toMatchObject({
          size: 0,
        });

        const read = await store.get('images/empty.png');
        expect(read?.size).toBe(0);
        expect((await readAll(read!.stream)).length).toBe(0);
      });

      it('replaces an existing blob', async () => {
        await store.put('images/a.png', randomBytes(5_000), PNG);
        const second = randomBytes(1_000);

        await expect(store.put('images/a.png', second, PNG)).resolves.toMatchObject({
          size: 1_000,
        });

        const read = await store.get('images/a.png');
        expect(read?.size).toBe(1_000);
        expect((await readAll(read!.stream)).equals(second)).toBe(true);
        await expect(store.stat('images/a.png')).resolves.toMatchObject({ size: 1_000 });
      });

      it('leaves one whole blob when two puts to one key race', async () => {
        const a = randomBytes(200 * 1024);
        const b = randomBytes(150 * 1024);

        await Promise.all([
          store.put('images/race.png', Readable.from(chunksOf(a)), PNG),
          store.put('images/race.png', Readable.from(chunksOf(b)), PNG),
        ]);

        const back = await readAll((await store.get('images/race.png'))!.stream);
        expect([sha256(a), sha256(b)]).toContain(sha256(back));
      });

      it('returns null for a missing blob', async () => {
        await expect(store.get('images/2026/11/missing.png')).resolves.toBeNull();

        await store.put('images/2026/11/present.png', randomBytes(10), PNG);
        await expect(store.get('images/2026/11/missing.png')).resolves.toBeNull();
        await expect(store.get('images/2026/11')).resolves.toBeNull();
      });

      it('works with the keys the server makes', async () => {
        const createdAt = new Date().toISOString();
        const id = newId();
        const image = imageKey(id, createdAt);
        const thumbnail = thumbnailKey(id, createdAt);
        const bytes = randomBytes(2_000);

        await store.put(image, bytes, PNG);
        await store.put(thumbnail, bytes.subarray(0, 500), WEBP);

        await expect(store.stat(image)).resolves.toMatchObject({
          key: image,
          size: 2_000,
          contentType: 'image/png',
        });
        await expect(store.stat(thumbnail)).resolves.toMatchObject({
          key: thumbnail,
          size: 500,
          contentType: 'image/webp',
        });
        expect((await readAll((await store.get(image))!.stream)).equals(bytes)).toBe(true);
        await expect(store.delete(image)).resolves.toBe(true);
        await expect(store.exists(image)).resolves.toBe(false);
        await expect(store.exists(thumbnail)).resolves.toBe(true);
      });
    });

    describe('all or nothing', () => {
      it('leaves no blob at the key when a streamed put fails midway', async () => {
        const chunks = chunksOf(randomBytes(100 * 1024));

        await expect(
          store.put('images/2026/11/broken.png', failingStream(chunks), PNG),
        ).rejects.toThrow();

        await expect(store.get('images/2026/11/broken.png')).resolves.toBeNull();
        await expect(store.exists('images/2026/11/broken.png')).resolves.toBe(false);
        await expect(store.stat('images/2026/11/broken.png')).resolves.toBeNull();
        await expect(listAll(store, '')).resolves.toEqual([]);
      });

      it('keeps the previous version whole when a replacing put fails midway', async () => {
        const previous = randomBytes(50 * 1024);
        await store.put('images/2026/11/kept.png', previous, PNG);

        await expect(
          store.put(
            'images/2026/11/kept.png',
            failingStream(chunksOf(randomBytes(200 * 1024))),
            PNG,
          ),
        ).rejects.toThrow();

        const read = await store.get('images/2026/11/kept.png');
        expect(read?.size).toBe(previous.length);
        expect(sha256(await readAll(read!.stream))).toBe(sha256(previous));
        await expect(listAll(store, '').then(keysAndSizes)).resolves.toEqual([
          { key: 'images/2026/11/kept.png', size: previous.length },
        ]);
      });

      it('shows a streamed put only once it has completed', async () => {
        const previous = randomBytes(1_000);
        await store.put('images/slow.png', previous, PNG);
        const replacing = new PassThrough();
        const creating = new PassThrough();
        const next = randomBytes(64 * 1024);

        const puts = Promise.all([
          store.put('images/slow.png', replacing, PNG),
          store.put('images/fresh.png', creating, PNG),
        ]);
        replacing.write(next.subarray(0, 32 * 1024));
        creating.write(next.subarray(0, 32 * 1024));
        await new Promise((resolve) => setTimeout(resolve, 50));

        const during = await store.get('images/slow.png');
        expect(sha256(await readAll(during!.stream))).toBe(sha256(previous));
        await expect(store.get('images/fresh.png')).resolves.toBeNull();
        await expect(store.exists('images/fresh.png')).resolves.toBe(false);

        replacing.end(next.subarray(32 * 1024));
        creating.end(next.subarray(32 * 1024));
        await expect(puts).resolves.toMatchObject([{ size: next.length }, { size: next.length }]);
        for (const key of ['images/slow.png', 'images/fresh.png']) {
          const after = await store.get(key);
          expect(sha256(await readAll(after!.stream))).toBe(sha256(next));
        }
      });
    });

    describe('stat and exists', () => {
      it('describes a blob that is there and answers null / false for one that is not', async () => {
        await store.put('images/2026/11/a.png', randomBytes(321), PNG);

        const info = await store.stat('images/2026/11/a.png');
        expect(info).toMatchObject({
          key: 'images/2026/11/a.png',
          size: 321,
          contentType: 'image/png',
        });
        expectDate(info!.lastModified);
        await expect(store.exists('images/2026/11/a.png')).resolves.toBe(true);

        await expect(store.stat('images/2026/11/b.png')).resolves.toBeNull();
        await expect(store.exists('images/2026/11/b.png')).resolves.toBe(false);
        // A "folder" of keys is not a blob.
        await expect(store.stat('images/2026')).resolves.toBeNull();
        await expect(store.exists('images/2026')).resolves.toBe(false);
      });
    });

    describe('read', () => {
      it('gives back the whole blob as a Buffer, and null where there is none', async () => {
        const bytes = randomBytes(70_000);
        await store.put('images/2026/11/whole.png', bytes, PNG);

        const back = await store.read('images/2026/11/whole.png');
        expect(Buffer.isBuffer(back)).toBe(true);
        expect(back!.equals(bytes)).toBe(true);
        await expect(store.read('images/2026/11/none.png')).resolves.toBeNull();
        // A "folder" of keys is not a blob.
        await expect(store.read('images/2026')).resolves.toBeNull();
      });
    });

    describe('ranged get', () => {
      const bytes = randomBytes(1_000);

      beforeEach(async () => {
        await store.put('images/ranged.png', bytes, PNG);
      });

      it.each([
        ['the first byte', 0, 0],
        ['a middle range', 100, 199],
        ['the last byte', 999, 999],
        ['the whole blob', 0, 999],
        ['the tail', 990, 999],
      ])('returns exactly %s', async (_label, start, end) => {
        const read = await store.get('images/ranged.png', { start, end });

        expect(read).not.toBeNull();
        expect(read!.size).toBe(1_000);
        expect(read!.contentType).toBe('image/png');
        const back = await readAll(read!.stream);
        expect(back.length).toBe(end - start + 1);
        expect(back.equals(bytes.subarray(start, end + 1))).toBe(true);
      });

      it('returns null for a range of a missing blob', async () => {
        await expect(store.get('images/nothing.png', { start: 0, end: 0 })).resolves.toBeNull();
      });

      it.each([
        ['ends past the blob', 990, 1_000],
        ['starts past the blob', 1_000, 1_001],
      ])('refuses a range that %s', async (_label, start, end) => {
        await expect(store.get('images/ranged.png', { start, end })).rejects.toMatchObject({
          name: 'RangeError',
        });
      });
    });

    describe('delete', () => {
      it('deletes once: true, then null on get, then false', async () => {
        await store.put('images/a.png', randomBytes(10), PNG);
        await store.put('images/b.png', randomBytes(10), PNG);

        await expect(store.delete('images/a.png')).resolves.toBe(true);
        await expect(store.get('images/a.png')).resolves.toBeNull();
        await expect(store.exists('images/a.png')).resolves.toBe(false);
        await expect(store.delete('images/a.png')).resolves.toBe(false);
        await expect(store.exists('images/b.png')).resolves.toBe(true);
      });

      it('returns false for a blob that never was', async () => {
        await expect(store.delete('images/2026/11/never.png')).resolves.toBe(false);
      });
    });

    describe('list', () => {
      const blobs: [string, number][] = [
        ['images/2026/11/a.png', 10],
        ['images/2026/12/b.png', 20],
        ['images-old/c.png', 30],
        ['thumbnails/2026/11/a.webp', 5],
        ['thumbnails/2026/12/b.webp', 6],
      ];

      beforeEach(async () => {
        for (const [key, size] of blobs) {
          await store.put(key, randomBytes(size), key.endsWith('.webp') ? WEBP : PNG);
        }
      });

      it.each([
        ['images/', ['images/2026/11/a.png', 'images/2026/12/b.png']],
        ['thumbnails/', ['thumbnails/2026/11/a.webp', 'thumbnails/2026/12/b.webp']],
        ['images/2026/11/', ['images/2026/11/a.png']],
        ['images/2026/1', ['images/2026/11/a.png', 'images/2026/12/b.png']],
        ['images', ['images-old/c.png', 'images/2026/11/a.png', 'images/2026/12/b.png']],
        ['', blobs.map(([key]) => key).sort()],
        ['videos/', []],
        ['images/2027/', []],
      ])('list(%j) yields exactly the blobs under it, with sizes', async (prefix, keys) => {
        const sizes = new Map(blobs);

        const infos = await listAll(store, prefix);

        expect(keysAndSizes(infos)).toEqual(keys.map((key) => ({ key, size: sizes.get(key) })));
        for (const info of infos) {
          expect(info.contentType).toBe(info.key.endsWith('.webp') ? 'image/webp' : 'image/png');
          expectDate(info.lastModified);
        }
      });

      it('reflects deletes and leaves out what ping() wrote', async () => {
        await store.delete('images/2026/11/a.png');
        await store.ping();

        await expect(listAll(store, 'images/').then(keysAndSizes)).resolves.toEqual([
          { key: 'images/2026/12/b.png', size: 20 },
        ]);
        await expect(listAll(store, '')).resolves.toHaveLength(blobs.length - 1);
      });
    });

    it('signedUrl() gives null, or a URL that plain fetch reads the blob from', async () => {
      const bytes = randomBytes(2_000);
      await store.put('images/2026/11/signed.png', bytes, PNG);

      const url = await store.signedUrl('images/2026/11/signed.png', 300);

      // A store that cannot sign says so with null (the local disk does).
      if (url !== null) {
        const response = await fetch(url);
        expect(response.status).toBe(200);
        expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
      }
    });

    it('yields nothing from list on an empty store, even after ping()', async () => {
      await expect(listAll(store, '')).resolves.toEqual([]);
      await store.ping();
      await expect(listAll(store, '')).resolves.toEqual([]);
      await expect(listAll(store, 'images/')).resolves.toEqual([]);
    });

    describe('refuses keys that could leave the store', () => {
      it.each(BAD_KEYS.map((key) => [key]))('%j', async (key) => {
        await store.put('images/ok.png', Buffer.from('ok'), PNG);

        const attempts: [string, () => Promise<unknown>][] = [
          ['put', () => store.put(key, Buffer.from('pwned'), PNG)],
          ['put (stream)', () => store.put(key, Readable.from([Buffer.from('pwned')]), PNG)],
          ['get', () => store.get(key)],
          ['get (range)', () => store.get(key, { start: 0, end: 0 })],
          ['stat', () => store.stat(key)],
          ['exists', () => store.exists(key)],
          ['delete', () => store.delete(key)],
        ];
        for (const [method, attempt] of attempts) {
          const outcome = await attempt().then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
          expect({ method, refused: outcome }).toEqual({
            method,
            refused: { error: expect.any(InvalidBlobKeyError) },
          });
        }
        await expect(listAll(store, '').then(keysAndSizes)).resolves.toEqual([
          { key: 'images/ok.png', size: 2 },
        ]);
      });
    });
  });
}
