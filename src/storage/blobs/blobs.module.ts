import { Global, Module } from '@nestjs/common';
import { BlobsConfig } from '../../config/config-slices.js';
import { meteredBlobStore } from '../../metrics/metered-blob-store.js';
import { Metrics } from '../../metrics/metrics.js';
import { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local.blob-store.js';
import { ValidatedBlobStore } from './validated-blob-store.js';

/** The adapter itself: a provider of its own, so that Nest runs its shutdown hook (S3). */
const ADAPTER = Symbol('BLOB_STORE_ADAPTER');

/**
 * The adapter named by BLOB_DRIVER; a cloud store's module (and SDK) is imported only when named.
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
      const { AzureBlobStore } = await import('./azure.blob-store.js');
      return new AzureBlobStore(azure!);
    }
    case 's3': {
      const { S3BlobStore } = await import('./s3.blob-store.js');
      return new S3BlobStore(s3!);
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
