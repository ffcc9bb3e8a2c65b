import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { AzureBlobStore } from './azure.blob-store.js';
import { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local.blob-store.js';
import { S3BlobStore } from './s3.blob-store.js';

/**
 * The one factory for the blob-store port: picks the adapter named by BLOB_DRIVER. (Config
 * validation has already refused a driver whose settings are missing, naming the variable.)
 */
function blobStoreProvider(config: AppConfig): Provider {
  const { driver, localDir, azure, s3 } = config.blobs;
  switch (driver) {
    case 'local':
      return { provide: BlobStore, useFactory: () => new LocalBlobStore(localDir) };
    case 'azure':
      // The container is created on first use, so the app boots while storage is down and
      // /health/ready says why.
      return { provide: BlobStore, useFactory: () => new AzureBlobStore(azure!) };
    case 's3':
      return { provide: BlobStore, useFactory: () => new S3BlobStore(s3!) };
  }
}

@Module({})
export class BlobsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: BlobsModule,
      global: true,
      providers: [blobStoreProvider(config)],
      exports: [BlobStore],
    };
  }
}
