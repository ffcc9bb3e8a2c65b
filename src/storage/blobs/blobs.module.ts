import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { BlobsConfig } from '../../config/config-slices.js';
import { AzureBlobStore } from './azure.blob-store.js';
import { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local.blob-store.js';
import { S3BlobStore } from './s3.blob-store.js';
import { ValidatedBlobStore } from './validated-blob-store.js';

/** The adapter itself: a provider of its own, so that Nest runs its shutdown hook (S3). */
const ADAPTER = Symbol('BLOB_STORE_ADAPTER');

/**
 * The adapter named by BLOB_DRIVER. (Config validation has already refused a driver whose
 * settings are missing, naming the variable.)
 */
function blobStoreAdapter(config: BlobsConfig): BlobStore {
  const { driver, localDir, azure, s3 } = config;
  switch (driver) {
    case 'local':
      return new LocalBlobStore(localDir);
    case 'azure':
      // The container is created on first use, so the app boots while storage is down and
      // /health/ready says why.
      return new AzureBlobStore(azure!);
    case 's3':
      return new S3BlobStore(s3!);
  }
}

/** The one factory for the blob-store port: the configured adapter, behind the key check. */
function blobStoreProviders(config: BlobsConfig): Provider[] {
  return [
    { provide: ADAPTER, useFactory: () => blobStoreAdapter(config) },
    {
      provide: BlobStore,
      useFactory: (adapter: BlobStore) => new ValidatedBlobStore(adapter),
      inject: [ADAPTER],
    },
  ];
}

@Module({})
export class BlobsModule {
  static forRoot(config: BlobsConfig): DynamicModule {
    return {
      module: BlobsModule,
      global: true,
      providers: blobStoreProviders(config),
      exports: [BlobStore],
    };
  }
}
