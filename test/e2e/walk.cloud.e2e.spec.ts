import { startAzurite } from '../support/azurite.js';
import { startCosmosEmulator } from '../support/cosmos.js';
import { startS3rver } from '../support/s3rver.js';
import { describeWalk } from './walk.js';

/** The same walk with the blobs in Azure Blob (Azurite) and in S3 (s3rver), started here. */
describeWalk('BLOB_DRIVER=azure on Azurite', async () => {
  const azurite = await startAzurite();
  return { env: azurite.env('images'), stop: () => azurite.stop() };
});

describeWalk('BLOB_DRIVER=s3 on s3rver', async () => {
  const s3 = await startS3rver({ bucket: 'images' });
  return { env: s3.env(), stop: () => s3.stop() };
});

/** Records in Cosmos DB (the emulator) and blobs in Azure Blob (Azurite), as Auto-Image-Gen ran. */
describeWalk(
  'DATABASE_DRIVER=cosmos on the Cosmos emulator, BLOB_DRIVER=azure on Azurite',
  async () => {
    const [cosmos, azurite] = await Promise.all([startCosmosEmulator(), startAzurite()]);
    return {
      env: { ...cosmos.env(`walk-${Date.now()}`), ...azurite.env('images') },
      stop: async () => {
        await Promise.all([cosmos.stop(), azurite.stop()]);
      },
    };
  },
);
