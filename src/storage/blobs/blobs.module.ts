import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local.blob-store.js';

/** The one factory for the blob-store port: picks the adapter named by BLOB_DRIVER. */
function blobStoreProvider(config: AppConfig): Provider {
  switch (config.blobs.driver) {
    case 'local':
      return { provide: BlobStore, useFactory: () => new LocalBlobStore(config.blobs.localDir) };
    default:
      throw new Error(`No adapter for ${config.blobs.driver} yet`);
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
