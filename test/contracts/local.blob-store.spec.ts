import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { InvalidBlobKeyError } from '../../src/storage/blobs/blob-keys.js';
import type { BlobStore } from '../../src/storage/blobs/blob-store.js';
import { LocalBlobStore } from '../../src/storage/blobs/local.blob-store.js';
import { ValidatedBlobStore } from '../../src/storage/blobs/validated-blob-store.js';
import { BAD_KEYS, describeBlobStoreContract, readAll } from './blob-store.contract.js';

const PNG = { contentType: 'image/png' } as const;

describeBlobStoreContract('local', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'image-forge-blobs-'));
  return {
    store: new ValidatedBlobStore(new LocalBlobStore(join(dir, 'root'))),
    close: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('local blob store', () => {
  let dir: string;
  let root: string;
  let sentinel: string;
  let store: BlobStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'image-forge-blobs-'));
    root = join(dir, 'root');
    // A sibling of the root that no key may reach.
    sentinel = join(dir, 'sentinel');
    await mkdir(sentinel);
    await writeFile(join(sentinel, 'keep.png'), 'keep');
    store = new ValidatedBlobStore(new LocalBlobStore(root));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Files left in `.tmp` under the root (none when the folder does not exist). */
  async function tempFiles(): Promise<string[]> {
    return readdir(join(root, '.tmp')).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
  }

  it('writes, reads and deletes nothing outside its root', async () => {
    await store.put('images/ok.png', Buffer.from('ok'), PNG);
    const escapes = [
      ...BAD_KEYS,
      '../sentinel/keep.png',
      '../sentinel/x.png',
      'images/../../sentinel/x.png',
      '..\\sentinel\\x.png',
      '%2e%2e/sentinel/x.png',
      '..%2Fsentinel%2Fx.png',
      'images/..%2F..%2Fsentinel/keep.png',
      join(sentinel, 'x.png'),
      join(sentinel, 'keep.png'),
      `${root}/../sentinel/x.png`,
    ];

    for (const key of escapes) {
      await expect(store.put(key, Buffer.from('pwned'), PNG)).rejects.toBeInstanceOf(
        InvalidBlobKeyError,
      );
      await expect(
        store.put(key, Readable.from([Buffer.from('pwned')]), PNG),
      ).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    }

    await expect(readdir(sentinel)).resolves.toEqual(['keep.png']);
    await expect(readFile(join(sentinel, 'keep.png'), 'utf8')).resolves.toBe('keep');
    await expect(readdir(dir).then((names) => names.sort())).resolves.toEqual(['root', 'sentinel']);
    await expect(tempFiles()).resolves.toEqual([]);
  });

  it('leaves no temp files behind after puts, failed puts and checks', async () => {
    await store.put('images/a.png', Buffer.alloc(10, 1), PNG);
    await store.put('images/b.png', Readable.from([Buffer.alloc(10, 2), Buffer.alloc(5, 3)]), PNG);
    await store.put('images/a.png', Buffer.alloc(20, 4), PNG);
    const failing = new Readable({
      read() {
        this.destroy(new Error('upstream connection reset'));
      },
    });
    await expect(store.put('images/c.png', failing, PNG)).rejects.toThrow();
    await store.ping();

    await expect(tempFiles()).resolves.toEqual([]);
    await expect(readAll((await store.get('images/a.png'))!.stream)).resolves.toEqual(
      Buffer.alloc(20, 4),
    );
  });

  it('stores a key as the file at that path under the root', async () => {
    await store.put('images/2026/11/a.png', Buffer.from('bytes'), PNG);

    await expect(readFile(join(root, 'images', '2026', '11', 'a.png'), 'utf8')).resolves.toBe(
      'bytes',
    );
  });
});
