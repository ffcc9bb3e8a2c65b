/** The part of s3rver (which ships no types) the test helpers use. */
declare module 's3rver' {
  import type { Server } from 'node:http';
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory: string;
    resetOnClose?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  /** An object as s3rver's routes hand it to the store. */
  interface S3rverObject {
    bucket: string;
    key: string;
    content: NodeJS.ReadableStream | Buffer;
    metadata: Record<string, string>;
  }

  /** s3rver's file-system store (one folder per bucket). */
  interface FilesystemStore {
    getResourcePath(bucket: string, key: string, resource: string): string;
    putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
    putMetadata(
      bucket: string,
      key: string,
      metadata: Record<string, string>,
      md5?: string,
    ): Promise<void>;
  }

  class S3rver {
    constructor(options: S3rverOptions);
    readonly store: FilesystemStore;
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    readonly httpServer?: Server;
  }

  export = S3rver;
}
