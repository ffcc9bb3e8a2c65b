/**
 * Packages the service loads only when configured to use them or when first used, never at start
 * on its embedded defaults: the adapters' SDKs, and sharp (libvips, for the offline renderer,
 * loaded when it first draws). `start-up.e2e` holds this for the sources, `bundle.e2e` for the
 * production bundle.
 */
export const LAZY_PACKAGES: readonly string[] = [
  'openai',
  'replicate',
  '@azure/storage-blob',
  '@azure/cosmos',
  '@aws-sdk/client-s3',
  '@aws-sdk/lib-storage',
  '@aws-sdk/s3-request-presigner',
  'mongoose',
  'bullmq',
  'ioredis',
  'sharp',
];
