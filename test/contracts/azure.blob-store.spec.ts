import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobServiceClient,
  ContainerSASPermissions,
  generateAccountSASQueryParameters,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';

import {
  accountNameOf,
  AzureBlobStore,
  type AzureBlobStoreOptions,
} from '../../src/storage/blobs/azure.blob-store.js';
import type { BlobStore } from '../../src/storage/blobs/blob-store.js';
import { ValidatedBlobStore } from '../../src/storage/blobs/validated-blob-store.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { TEST_STORE_READ_TIMEOUT_MS } from '../support/store-timeout.js';
import { describeBlobStoreContract, readAll } from './blob-store.contract.js';

const PNG = { contentType: 'image/png' } as const;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let azurite: Azurite;
let admin: BlobServiceClient;
let containers = 0;
/** A container name no other test uses (lower case, 3-63 characters). */
const freshContainer = () => `c${++containers}-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  azurite = await startAzurite();
  admin = BlobServiceClient.fromConnectionString(azurite.connectionString);
});

afterAll(async () => {
  await azurite?.stop();
});

async function listKeys(store: BlobStore, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) keys.push(info.key);
  return keys.sort();
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

const READ = { readTimeoutMs: TEST_STORE_READ_TIMEOUT_MS };
const expiresInAnHour = () => new Date(Date.now() + 3_600_000);

function sharedKey(): StorageSharedKeyCredential {
  return new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
}

describeBlobStoreContract('azure (Azurite)', async () => {
  const container = freshContainer();
  return {
    store: new ValidatedBlobStore(
      new AzureBlobStore({ connectionString: azurite.connectionString, container, ...READ }),
    ),
    close: async () => {
      await admin.getContainerClient(container).deleteIfExists();
    },
  };
});

describe('azure blob store', () => {
  describe('reaches the account three ways', () => {
    const modes: [string, (container: string) => AzureBlobStoreOptions, boolean][] = [
      [
        'connection string',
        (container) => ({ connectionString: azurite.connectionString, container, ...READ }),
        true,
      ],
      [
        'account URL + shared key',
        (container) => ({
          accountUrl: azurite.accountUrl,
          accountKey: azurite.accountKey,
          container,
          ...READ,
        }),
        true,
      ],
      [
        'account URL + account SAS',
        (container) => ({
          accountUrl: azurite.accountUrl,
          sasToken: generateAccountSASQueryParameters(
            {
              expiresOn: expiresInAnHour(),
              permissions: AccountSASPermissions.parse('rwdlac'),
              services: AccountSASServices.parse('b').toString(),
              resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
            },
            sharedKey(),
          ).toString(),
          container,
          ...READ,
        }),
        false,
      ],
    ];

    it.each(modes)('%s', async (_mode, options, canSign) => {
      const container = freshContainer();
      const store = new AzureBlobStore(options(container));
      const bytes = randomBytes(2_000);

      await expect(store.ping()).resolves.toBeUndefined();
      await store.put('images/a.png', bytes, PNG);
      await store.put('images/b.png', Readable.from([bytes.subarray(0, 10)]), PNG);

      expect((await readAll((await store.get('images/a.png'))!.stream)).equals(bytes)).toBe(true);
      await expect(store.stat('images/b.png')).resolves.toMatchObject({ size: 10 });
      await expect(listKeys(store, 'images/')).resolves.toEqual(['images/a.png', 'images/b.png']);
      await expect(store.delete('images/a.png')).resolves.toBe(true);
      await expect(store.exists('images/a.png')).resolves.toBe(false);
      const url = await store.signedUrl('images/b.png', 60);
      expect(url !== null).toBe(canSign);
    });

    it('account URL + container SAS, on a container made beforehand', async () => {
      const container = freshContainer();
      await admin.getContainerClient(container).create();
      const sasToken = generateBlobSASQueryParameters(
        {
          containerName: container,
          permissions: ContainerSASPermissions.parse('racwdl'),
          expiresOn: expiresInAnHour(),
        },
        sharedKey(),
      ).toString();
      const store = new AzureBlobStore({
        accountUrl: azurite.accountUrl,
        sasToken,
        container,
        ...READ,
      });

      await expect(store.ping()).resolves.toBeUndefined();
      await store.put('images/a.png', Buffer.from('abc'), PNG);
      await expect(listKeys(store)).resolves.toEqual(['images/a.png']);
      await expect(store.signedUrl('images/a.png', 60)).resolves.toBeNull();
    });

    it('says which container is missing when the SAS may not create it', async () => {
      const container = freshContainer();
      const sasToken = generateBlobSASQueryParameters(
        {
          containerName: container,
          permissions: ContainerSASPermissions.parse('racwdl'),
          expiresOn: expiresInAnHour(),
        },
        sharedKey(),
      ).toString();
      const store = new AzureBlobStore({
        accountUrl: azurite.accountUrl,
        sasToken,
        container,
        ...READ,
      });

      await expect(store.ping()).rejects.toThrow(`Azure container "${container}" does not exist`);
    });

    it('refuses settings that name no way in', () => {
      expect(
        () => new AzureBlobStore({ accountUrl: azurite.accountUrl, container: 'x1x', ...READ }),
      ).toThrow(/connection string, or an account URL with an account key or a SAS token/);
    });
  });

  it.each([
    ['https://myaccount.blob.core.windows.net', 'myaccount'],
    ['https://myaccount.blob.core.windows.net/', 'myaccount'],
    ['http://127.0.0.1:10000/devstoreaccount1', 'devstoreaccount1'],
    ['http://[::1]:10000/devstoreaccount1', 'devstoreaccount1'],
    ['http://azurite:10000/devstoreaccount1', 'devstoreaccount1'],
  ])('reads the account name of %s', (url, name) => {
    expect(accountNameOf(url)).toBe(name);
  });

  it('creates a missing container on first use', async () => {
    const container = freshContainer();
    const store = new AzureBlobStore({
      connectionString: azurite.connectionString,
      container,
      ...READ,
    });
    await expect(admin.getContainerClient(container).exists()).resolves.toBe(false);

    await store.put('images/a.png', Buffer.from('abc'), PNG);

    await expect(admin.getContainerClient(container).exists()).resolves.toBe(true);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('stores the content type and Cache-Control', async () => {
    const container = freshContainer();
    const store = new AzureBlobStore({
      connectionString: azurite.connectionString,
      container,
      ...READ,
    });
    const cacheControl = 'public, max-age=31536000, immutable';

    await store.put('images/a.png', randomBytes(100), { contentType: 'image/png', cacheControl });
    await store.put('thumbnails/a.webp', Readable.from([randomBytes(100)]), {
      contentType: 'image/webp',
      cacheControl,
    });

    const blobs = admin.getContainerClient(container);
    await expect(blobs.getBlobClient('images/a.png').getProperties()).resolves.toMatchObject({
      contentType: 'image/png',
      cacheControl,
    });
    await expect(blobs.getBlobClient('thumbnails/a.webp').getProperties()).resolves.toMatchObject({
      contentType: 'image/webp',
      cacheControl,
    });
  });

  it('signs a read-only URL that plain fetch can GET', async () => {
    const container = freshContainer();
    const store = new AzureBlobStore({
      connectionString: azurite.connectionString,
      container,
      ...READ,
    });
    const bytes = randomBytes(3_000);
    await store.put('images/2026/11/a.png', bytes, PNG);

    const url = await store.signedUrl('images/2026/11/a.png', 300);

    expect(url).not.toBeNull();
    const query = new URL(url!).searchParams;
    expect(query.get('sp')).toBe('r');
    expect(query.get('se')).toBeTruthy();
    expect(query.get('sig')).toBeTruthy();
    const response = await fetch(url!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    // Read only: the same signature cannot overwrite the blob.
    const write = await fetch(url!, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: 'pwned',
    });
    expect(write.status).toBe(403);
    expect((await readAll((await store.get('images/2026/11/a.png'))!.stream)).equals(bytes)).toBe(
      true,
    );
  });

  describe('streams longer than one Put Blob, staged as blocks', () => {
    let store: AzureBlobStore;

    beforeAll(() => {
      store = new AzureBlobStore({
        connectionString: azurite.connectionString,
        container: freshContainer(),
        singleShotBytes: 64 * 1024,
        ...READ,
      });
    });

    const chunks = (bytes: Buffer, size = 100_000) => {
      const out: Buffer[] = [];
      for (let offset = 0; offset < bytes.length; offset += size) {
        out.push(bytes.subarray(offset, offset + size));
      }
      return out;
    };

    it('stores them byte for byte', async () => {
      const bytes = randomBytes(9 * 1024 * 1024 + 7);

      await expect(
        store.put('images/big.png', Readable.from(chunks(bytes)), PNG),
      ).resolves.toMatchObject({ size: bytes.length, contentType: 'image/png' });

      const read = await store.get('images/big.png');
      expect(read?.size).toBe(bytes.length);
      expect(sha256(await readAll(read!.stream))).toBe(sha256(bytes));
    });

    it('leaves no blob, and the previous one whole, when the stream fails', async () => {
      const previous = randomBytes(1_000);
      await store.put('images/kept.png', previous, PNG);

      await expect(
        store.put('images/kept.png', failingStream(chunks(randomBytes(5 * 1024 * 1024))), PNG),
      ).rejects.toThrow('upstream connection reset');
      await expect(
        store.put('images/broken.png', failingStream(chunks(randomBytes(5 * 1024 * 1024))), PNG),
      ).rejects.toThrow('upstream connection reset');

      await expect(store.exists('images/broken.png')).resolves.toBe(false);
      await expect(listKeys(store, 'images/b')).resolves.toEqual(['images/big.png']);
      const read = await store.get('images/kept.png');
      expect(sha256(await readAll(read!.stream))).toBe(sha256(previous));
    });

    it('leaves one whole blob when two uploads to one key race (one of them may fail)', async () => {
      const a = randomBytes(300 * 1024);
      const b = randomBytes(200 * 1024);

      const outcomes = await Promise.allSettled([
        store.put('images/race.png', Readable.from(chunks(a)), PNG),
        store.put('images/race.png', Readable.from(chunks(b)), PNG),
      ]);

      expect(outcomes.some(({ status }) => status === 'fulfilled')).toBe(true);
      const back = await readAll((await store.get('images/race.png'))!.stream);
      expect([sha256(a), sha256(b)]).toContain(sha256(back));
    });
  });
});
