import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { ImageWorkerPool } from './image-worker-pool.js';

/** A small PNG of one colour. */
const png = (colour: string) =>
  sharp({ create: { width: 64, height: 64, channels: 3, background: colour } })
    .png()
    .toBuffer();

describe('ImageWorkerPool', () => {
  it('answers an aborted task at once with the reason, and keeps serving on a fresh thread', async () => {
    const pool = new ImageWorkerPool(undefined, 1);
    try {
      process.env.IMAGE_WORKER_TEST_HANG = '1';
      const stop = new AbortController();
      const stuck = pool.run(
        { op: 'thumbnail', png: await png('#000000'), timeoutSeconds: 0 },
        stop.signal,
      );
      const queued = pool.run({ op: 'thumbnail', png: await png('#ffffff'), timeoutSeconds: 0 });
      delete process.env.IMAGE_WORKER_TEST_HANG;
      stop.abort(new Error('deadline'));
      await expect(stuck).rejects.toThrow('deadline');
      const reply = await queued;
      expect(reply.ok).toBe(true);
      expect((await sharp(reply.webp as Uint8Array).metadata()).format).toBe('webp');
    } finally {
      delete process.env.IMAGE_WORKER_TEST_HANG;
      await pool.close();
    }
  });
});
