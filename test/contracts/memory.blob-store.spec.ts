/** The blob-store contract on the in-memory fake the unit specs use, behind the key check. */
import { ValidatedBlobStore } from '../../src/storage/blobs/validated-blob-store.js';
import { InMemoryBlobStore } from '../support/fakes/index.js';
import { describeBlobStoreContract } from './blob-store.contract.js';

describeBlobStoreContract('memory', async () => ({
  store: new ValidatedBlobStore(new InMemoryBlobStore()),
  close: async () => undefined,
}));
