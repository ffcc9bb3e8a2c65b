/**
 * GalleryService on the in-memory fakes: who sees which image, the bytes it sends (whole or a
 * range, as `answerFile` turns them into a reply) and what signed content URLs grant.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';

import { makeImage, makeJob } from '../../test/fixtures/records.js';
import type { Fakes } from '../../test/support/fakes/index.js';
import { compileWithFakes } from '../../test/support/fakes/testing-module.js';
import type { AuthUser } from '../auth/auth-user.js';
import {
  ForbiddenError,
  NotFoundError,
  RangeNotSatisfiableError,
  ValidationError,
} from '../common/errors.js';
import { answerFile, type FileRequest } from '../common/file-response.js';
import { newId } from '../common/ids.js';
import type { SerialisedPage } from '../common/page-response.js';
import type { ImageRecord } from '../domain/records.js';
import { ContentUrls, type ContentGrant } from './content-urls.js';
import { GalleryModule } from './gallery.module.js';
import { GalleryService } from './gallery.service.js';

const user = (role: AuthUser['role'] = 'user'): AuthUser => ({
  id: newId(),
  email: `${role}-${newId()}@example.com`,
  role,
});

describe('GalleryService', () => {
  let moduleRef: TestingModule;
  let fakes: Fakes;
  let gallery: GalleryService;

  async function boot(env: Record<string, string> = {}): Promise<void> {
    ({ moduleRef, fakes } = await compileWithFakes([GalleryModule], env));
    gallery = moduleRef.get(GalleryService);
  }

  beforeEach(() => boot());

  afterEach(async () => {
    await moduleRef.close();
  });

  const owner = user();
  const stranger = user();
  const admin = user('admin');

  /** An image of `owner` with its bytes and thumbnail in the blob store. */
  async function stored(
    overrides: Partial<ImageRecord> = {},
  ): Promise<{ image: ImageRecord; bytes: Buffer; thumbnail: Buffer }> {
    const bytes = randomBytes(1_000);
    const thumbnail = randomBytes(200);
    const image = makeImage({
      ownerId: owner.id,
      byteSize: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...overrides,
    });
    await fakes.images.insert(image);
    await fakes.blobs.put(image.blobKey, bytes, { contentType: image.contentType });
    await fakes.blobs.put(image.thumbnailKey, thumbnail, {
      contentType: image.thumbnailContentType,
    });
    return { image, bytes, thumbnail };
  }

  /** The reply the content route sends for `image`'s bytes (or thumbnail's). */
  async function reply(
    who: AuthUser | undefined,
    id: string,
    request: FileRequest = {},
    kind: 'image' | 'thumbnail' = 'image',
    signed: Partial<ContentGrant> = {},
  ) {
    const answer = await answerFile(await gallery.content(who, id, kind, signed), request);
    return { ...answer, bytes: answer.body ? await readAll(answer.body) : undefined };
  }

  /** The message `promise` rejects with, and the kind of error. */
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: Error) => ({ kind: error.constructor, message: error.message }),
    );

  describe('who sees an image', () => {
    it('shows a public image to anyone', async () => {
      const { image } = await stored({ visibility: 'public' });

      for (const who of [undefined, stranger, owner, admin]) {
        await expect(gallery.get(who, image.id)).resolves.toMatchObject({ id: image.id });
      }
    });

    it('shows a private image to its owner and admins, and to anyone else reads as missing', async () => {
      const { image } = await stored({ visibility: 'private' });
      const missing = await failure(gallery.get(stranger, newId()));

      await expect(gallery.get(owner, image.id)).resolves.toMatchObject({ id: image.id });
      await expect(gallery.get(admin, image.id)).resolves.toMatchObject({ id: image.id });
      expect(missing).toEqual({ kind: NotFoundError, message: expect.any(String) });
      await expect(failure(gallery.get(stranger, image.id))).resolves.toEqual(missing);
      await expect(failure(gallery.get(undefined, image.id))).resolves.toEqual(missing);
    });

    it('sends a private image’s bytes to nobody else, as for a missing image', async () => {
      const { image } = await stored({ visibility: 'private' });
      const missing = await failure(reply(stranger, newId()));

      expect(missing).toMatchObject({ kind: NotFoundError });
      await expect(failure(reply(stranger, image.id))).resolves.toEqual(missing);
      await expect(failure(reply(undefined, image.id, {}, 'thumbnail'))).resolves.toEqual(missing);
      await expect(reply(owner, image.id)).resolves.toMatchObject({ status: 200 });
    });

    it('lists public images in the gallery, and private ones only in their owner’s history', async () => {
      const { image: shown } = await stored({ visibility: 'public' });
      const { image: hidden } = await stored({ visibility: 'private' });
      await stored({ ownerId: stranger.id, visibility: 'private' });
      const ids = (page: SerialisedPage) =>
        (JSON.parse(page.body.toString('utf8')) as { items: { id: string }[] }).items
          .map((item) => item.id)
          .sort();

      await expect(gallery.publicPage('/images', {}).then(ids)).resolves.toEqual([shown.id]);
      await expect(gallery.myPage(owner, '/me/images', {}).then(ids)).resolves.toEqual(
        [shown.id, hidden.id].sort(),
      );
    });
  });

  describe('content', () => {
    it('sends the whole image with the type and size its record holds', async () => {
      const { image, bytes } = await stored();

      const sent = await reply(undefined, image.id);

      expect(sent.status).toBe(200);
      expect(sent.headers).toMatchObject({
        'content-type': 'image/png',
        'content-length': String(bytes.length),
        etag: `"${image.sha256}"`,
      });
      expect(sent.bytes?.equals(bytes)).toBe(true);
    });

    it.each([
      ['bytes=0-0', 0, 0],
      ['bytes=100-199', 100, 199],
      ['bytes=990-', 990, 999],
      ['bytes=-10', 990, 999],
      ['bytes=500-5000', 500, 999],
    ])('sends the range %s of the image', async (range, start, end) => {
      const { image, bytes } = await stored();

      const sent = await reply(undefined, image.id, { range });

      expect(sent.status).toBe(206);
      expect(sent.headers).toMatchObject({
        'content-range': `bytes ${start}-${end}/${bytes.length}`,
        'content-length': String(end - start + 1),
      });
      expect(sent.bytes?.equals(bytes.subarray(start, end + 1))).toBe(true);
    });

    it('sends a range of the thumbnail, sized by the store', async () => {
      const { image, thumbnail } = await stored();

      const sent = await reply(undefined, image.id, { range: 'bytes=10-19' }, 'thumbnail');

      expect(sent.status).toBe(206);
      expect(sent.headers).toMatchObject({
        'content-type': 'image/webp',
        'content-range': `bytes 10-19/${thumbnail.length}`,
      });
      expect(sent.bytes?.equals(thumbnail.subarray(10, 20))).toBe(true);
    });

    it('refuses a range that starts past the end', async () => {
      const { image } = await stored();

      await expect(reply(undefined, image.id, { range: 'bytes=1000-' })).rejects.toBeInstanceOf(
        RangeNotSatisfiableError,
      );
    });

    it('answers 404 when the record points at a blob that is gone', async () => {
      const { image } = await stored();
      await fakes.blobs.delete(image.blobKey);
      await fakes.blobs.delete(image.thumbnailKey);

      await expect(reply(undefined, image.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(reply(undefined, image.id, {}, 'thumbnail')).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('with BLOB_SIGNED_URLS, redirects to the store’s own URL where the store makes one', async () => {
      await moduleRef.close();
      await boot({ BLOB_SIGNED_URLS: 'true', BLOB_SIGNED_URL_TTL_SECONDS: '120' });
      const { image, bytes } = await stored();

      // The in-memory store cannot sign, as the local disk cannot: the bytes come from here.
      await expect(reply(undefined, image.id)).resolves.toMatchObject({ status: 200, bytes });

      jest
        .spyOn(fakes.blobs, 'signedUrl')
        .mockImplementation(async (key, ttl) => `https://blobs.example/${key}?ttl=${ttl}`);
      await expect(reply(undefined, image.id)).resolves.toMatchObject({
        status: 302,
        headers: { location: `https://blobs.example/${image.blobKey}?ttl=120` },
      });
    });
  });

  describe('signed content URLs', () => {
    /** The grant in a content URL the API handed out. */
    function grantIn(url: string): ContentGrant {
      const query = new URL(url, 'http://localhost').searchParams;
      return { expires: Number(query.get('expires')), signature: query.get('signature') ?? '' };
    }

    /** `signature` with its first character changed. */
    const tampered = (signature: string) =>
      `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;

    it('are plain for a public image', async () => {
      const { image } = await stored({ visibility: 'public' });

      await expect(gallery.get(undefined, image.id)).resolves.toMatchObject({
        contentUrl: `/api/v1/images/${image.id}/content`,
        thumbnailUrl: `/api/v1/images/${image.id}/thumbnail`,
      });
    });

    it('let anyone holding a private image’s URLs read its bytes and thumbnail', async () => {
      const { image, bytes, thumbnail } = await stored({ visibility: 'private' });
      const { contentUrl, thumbnailUrl } = await gallery.get(owner, image.id);

      await expect(
        reply(undefined, image.id, {}, 'image', grantIn(contentUrl)),
      ).resolves.toMatchObject({ status: 200, bytes });
      await expect(
        reply(stranger, image.id, { range: 'bytes=0-9' }, 'thumbnail', grantIn(thumbnailUrl)),
      ).resolves.toMatchObject({ status: 206, bytes: thumbnail.subarray(0, 10) });
    });

    it('grant one image and one kind only, and refuse a tampered signature', async () => {
      const { image } = await stored({ visibility: 'private' });
      const { image: other } = await stored({ visibility: 'private' });
      const { contentUrl, thumbnailUrl } = await gallery.get(owner, image.id);
      const grant = grantIn(contentUrl);

      for (const [id, kind, signed] of [
        [image.id, 'image', grantIn(thumbnailUrl)],
        [other.id, 'image', grant],
        [image.id, 'image', { ...grant, signature: tampered(grant.signature) }],
        [image.id, 'image', { ...grant, expires: grant.expires + 3600 }],
      ] as const) {
        await expect(reply(undefined, id, {}, kind, signed)).rejects.toBeInstanceOf(ForbiddenError);
      }
    });

    it('refuse a URL handed out long enough ago to have expired', async () => {
      const { image } = await stored({ visibility: 'private' });
      const threeHoursAgo = Date.now() - 3 * 3600 * 1000;
      const { contentUrl } = moduleRef.get(ContentUrls).urlsFor(image, threeHoursAgo);

      await expect(
        reply(undefined, image.id, {}, 'image', grantIn(contentUrl)),
      ).rejects.toBeInstanceOf(ForbiddenError);
    });

    it('read as missing once the image is deleted', async () => {
      const { image } = await stored({ visibility: 'private' });
      const { contentUrl } = await gallery.get(owner, image.id);
      await gallery.delete(owner, image.id);

      await expect(
        reply(undefined, image.id, {}, 'image', grantIn(contentUrl)),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it('need both expires and signature', async () => {
      const { image } = await stored({ visibility: 'private' });

      await expect(
        reply(undefined, image.id, {}, 'image', { expires: 4_000_000_000 }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(
        reply(undefined, image.id, {}, 'image', { signature: 'x' }),
      ).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('delete', () => {
    it('removes the record, both blobs and the job’s reference to the image', async () => {
      const job = makeJob({ ownerId: owner.id, status: 'succeeded' });
      const { image } = await stored({ jobId: job.id });
      const kept = makeImage({ ownerId: owner.id, jobId: job.id, index: 1 });
      await fakes.jobs.create({ ...job, imageIds: [image.id, kept.id] });

      await gallery.delete(owner, image.id);

      await expect(fakes.images.findById(image.id)).resolves.toBeNull();
      await expect(fakes.blobs.exists(image.blobKey)).resolves.toBe(false);
      await expect(fakes.blobs.exists(image.thumbnailKey)).resolves.toBe(false);
      await expect(fakes.jobs.findById(job.id)).resolves.toMatchObject({ imageIds: [kept.id] });
    });

    it('is a 404 that changes nothing for someone else’s image', async () => {
      const { image } = await stored({ visibility: 'public' });

      await expect(gallery.delete(stranger, image.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(fakes.images.findById(image.id)).resolves.toEqual(image);
      await expect(fakes.blobs.exists(image.blobKey)).resolves.toBe(true);
    });
  });
});

async function readAll(stream: Readable | Buffer): Promise<Buffer> {
  if (Buffer.isBuffer(stream)) return stream;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
