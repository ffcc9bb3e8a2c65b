import { describe, expect, it } from '@jest/globals';

import { InvalidBlobKeyError } from './blob-keys.js';
import { BlobStore, type BlobInfo } from './blob-store.js';
import { ValidatedBlobStore } from './validated-blob-store.js';

class Reached extends Error {}

/** An adapter that answers every call by saying it was reached. */
class Adapter extends BlobStore {
  put = () => Promise.reject(new Reached());
  get = () => Promise.reject(new Reached());
  stat = () => Promise.reject(new Reached());
  override exists = () => Promise.reject(new Reached());
  delete = () => Promise.reject(new Reached());
  ping = () => Promise.reject(new Reached());
  override signedUrl = () => Promise.reject(new Reached());
  async *list(): AsyncIterable<BlobInfo> {
    yield* [];
    throw new Reached();
  }
}

const store = new ValidatedBlobStore(new Adapter());
const calls = (key: string): [string, () => Promise<unknown>][] => [
  ['put', () => store.put(key, Buffer.from('x'), { contentType: 'image/png' })],
  ['get', () => store.get(key, { start: 0, end: 0 })],
  ['stat', () => store.stat(key)],
  ['exists', () => store.exists(key)],
  ['delete', () => store.delete(key)],
  ['signedUrl', () => store.signedUrl(key, 60)],
];

describe('ValidatedBlobStore', () => {
  it.each(['../x.png', '/etc/passwd', 'a//b.png', ''])(
    'refuses %j before the adapter sees it',
    async (key) => {
      for (const [method, call] of calls(key)) {
        const error = await call().catch((e: unknown) => e);
        expect({ method, refused: error instanceof InvalidBlobKeyError }).toEqual({
          method,
          refused: true,
        });
      }
    },
  );

  it('hands a valid key, listing and the check to the adapter', async () => {
    for (const [, call] of calls('images/2026/11/a.png')) {
      await expect(call()).rejects.toBeInstanceOf(Reached);
    }
    await expect(store.ping()).rejects.toBeInstanceOf(Reached);
    await expect(store.list('../')[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(Reached);
  });
});
