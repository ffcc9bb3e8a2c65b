import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { register, startApp, type TestApp } from '../support/app.js';
import { startS3rver, type S3rverInstance } from '../support/s3rver.js';
import { readSse } from '../support/sse.js';

const sha256 = (bytes: ArrayBuffer) =>
  createHash('sha256').update(Buffer.from(bytes)).digest('hex');

/**
 * BLOB_SIGNED_URLS: content routes redirect to a short-lived URL of the blob store, which serves
 * the very bytes whose hash the API reports; private images still read as 404 to others first.
 */
describe.each([
  [
    'azure (SAS)',
    async () => {
      const azurite: Azurite = await startAzurite();
      return { env: azurite.env('images'), stop: () => azurite.stop() };
    },
  ],
  [
    's3 (presigned)',
    async () => {
      const s3: S3rverInstance = await startS3rver({ bucket: 'images' });
      return { env: s3.env(), stop: () => s3.stop() };
    },
  ],
])('e2e: signed URL delivery on %s', (_name, backend) => {
  let t: TestApp;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const started = await backend();
    stop = started.stop;
    t = await startApp({
      ...started.env,
      BLOB_SIGNED_URLS: 'true',
      BLOB_SIGNED_URL_TTL_SECONDS: '120',
    });
  });
  afterAll(async () => {
    await t?.close();
    await stop?.();
  });

  it('redirects content and thumbnails to signed URLs that serve the stored bytes', async () => {
    const user = await register(t.http);
    const job = await t.http
      .post('/api/v1/generations')
      .set(user.auth)
      .send({ size: '256x256', visibility: 'private' })
      .expect(202);
    const stream = await readSse(t.app, `/api/v1/generations/${job.body.id}/events`, user.auth);
    const imageId = JSON.parse(stream.events.at(-1)!.data).imageIds[0] as string;
    const meta = await t.http.get(`/api/v1/images/${imageId}`).set(user.auth).expect(200);

    const res = await t.http.get(`/api/v1/images/${imageId}/content`).set(user.auth).expect(302);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const fetched = await fetch(res.headers.location);
    expect(fetched.status).toBe(200);
    expect(sha256(await fetched.arrayBuffer())).toBe(meta.body.sha256);

    const thumb = await t.http
      .get(`/api/v1/images/${imageId}/thumbnail`)
      .set(user.auth)
      .expect(302);
    const webp = Buffer.from(await (await fetch(thumb.headers.location)).arrayBuffer());
    expect(webp.toString('latin1', 8, 12)).toBe('WEBP');

    // Access is still decided by the API before any URL is handed out.
    const other = await register(t.http);
    await t.http.get(`/api/v1/images/${imageId}/content`).set(other.auth).expect(404);
    await t.http.get(`/api/v1/images/${imageId}/content`).expect(404);
  });
});
