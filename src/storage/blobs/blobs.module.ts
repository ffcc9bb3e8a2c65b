import { Global, Module } from '@nestjs/common';
import { BlobsConfig } from '../../config/config-slices.js';
import { meteredBlobStore } from '../../metrics/metered-blob-store.js';
import { Metrics } from '../../metrics/metrics.js';
import { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local.blob-store.js';
import { ValidatedBlobStore } from './validated-blob-store.js';
import { translatingUnavailable } from '../unavailable.js';

/** The adapter itself: a provider of its own, so that Nest runs its shutdown hook (S3). */
const ADAPTER = Symbol('BLOB_STORE_ADAPTER');

/**
 * The adapter named by BLOB_DRIVER; a cloud store's module (and SDK) is imported only when named,
 * and its "cannot serve now" failures become 503s (the local store translates its own).
 * (Config validation has already refused a driver whose settings are missing, naming the
 * variable.)
 */
async function blobStoreAdapter(config: BlobsConfig): Promise<BlobStore> {
  const { driver, localDir, azure, s3 } = config;
  switch (driver) {
    case 'local':
      return new LocalBlobStore(localDir);
    case 'azure': {
      // The container is created on first use, so the app boots while storage is down and
      // /health/ready says why.
      const { AzureBlobStore, azureUnavailable } = await import('./azure.blob-store.js');
      return translatingUnavailable(new AzureBlobStore(azure!), 'blobStore', azureUnavailable);
    }
    case 's3': {
      const { S3BlobStore, s3Unavailable } = await import('./s3.blob-store.js');
      return translatingUnavailable(new S3BlobStore(s3!), 'blobStore', s3Unavailable);
    }
  }
}

/**
 * The one factory for the blob-store port: the adapter BLOB_DRIVER names, behind the key check,
 * timed into the store-latency histogram (when metrics are on). Global, as the record store is.
 */
@Global()
@Module({
  providers: [
    { provide: ADAPTER, useFactory: blobStoreAdapter, inject: [BlobsConfig] },
    {
      provide: BlobStore,
      useFactory: (adapter: BlobStore, metrics?: Metrics) =>
        meteredBlobStore(new ValidatedBlobStore(adapter), metrics),
      inject: [ADAPTER, { token: Metrics, optional: true }],
    },
  ],
  exports: [BlobStore],
})
export class BlobsModule {}
