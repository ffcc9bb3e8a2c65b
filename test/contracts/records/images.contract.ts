/**
 * The images port: records, their uniqueness per (job, index), lists with every filter, updates,
 * deletes and the keys the orphan sweep asks about. Full-text search is `images-search.contract.ts`.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import { newId } from '../../../src/common/ids.js';
import { imageKey, thumbnailKey } from '../../../src/storage/blobs/blob-keys.js';
import type {
  ImageFilter,
  ImagesRepository,
} from '../../../src/storage/records/images.repository.js';
import { UniqueViolationError, type ImageRecord } from '../../../src/domain/records.js';
import {
  ImageDto,
  ITEM_FIELDS_LAYOUT,
  PUBLIC_ITEM_LAYOUT,
  withContentUrls,
} from '../../../src/gallery/dto/image.dto.js';
import { at, makeImage } from '../../fixtures/records.js';
import { collectPages, expectedOrder, idsOf, shuffled } from './paging.js';
import { freshStoreEachTest, type OpenRecordStore } from './record-store.js';

/**
 * Every kind of character JSON escapes, or might: quotes, backslashes, controls, the line
 * separators JavaScript leaves as they are, and text beyond the BMP.
 */
const AWKWARD = `say "hi" \\ back\tslash\n\u0000\u001f\u007f \u2028\u2029 </script> ünï 🦊`;

export function describeImagesContract(open: OpenRecordStore): void {
  describe('images', () => {
    let images: ImagesRepository;
    freshStoreEachTest(open, (fixture) => ({ images } = fixture));

    it('round-trips every field through insert and findById', async () => {
      const full = makeImage({
        index: 3,
        scheduleId: newId(),
        visibility: 'private',
        prompt: 'a "quoted" prompt — ünïcödé 🦊',
        negativePrompt: 'blurry',
        provider: 'replicate',
        model: 'black-forest-labs/flux-schnell',
        width: 1024,
        height: 768,
        seed: 4_294_967_295,
        contentType: 'image/webp',
        byteSize: 987_654,
        tags: ['fox', 'portrait'],
        createdAt: at(3),
      });
      const sparse = makeImage({ seed: null, negativePrompt: null, scheduleId: null });

      await expect(images.insert(full)).resolves.toEqual(full);
      await expect(images.insert(sparse)).resolves.toEqual(sparse);
      await expect(images.findById(full.id)).resolves.toEqual(full);
      await expect(images.findById(sparse.id)).resolves.toEqual(sparse);
      await expect(images.findById(newId())).resolves.toBeNull();
    });

    it('publicItems: each public image as the API serialises it, byte for byte', async () => {
      const full = makeImage({
        scheduleId: newId(),
        prompt: AWKWARD,
        negativePrompt: `no ${AWKWARD}`,
        lineage: { strategy: 'llm', theme: AWKWARD, prompt: 'p', revisedPrompt: null },
        seed: 4_294_967_295,
        width: 1024,
        byteSize: 0,
        tags: ['fox', AWKWARD],
        createdAt: at(3),
      });
      const sparse = makeImage({ seed: null, negativePrompt: null, scheduleId: null, tags: [] });
      const hidden = makeImage({ visibility: 'private' });
      for (const image of [full, sparse, hidden]) await images.insert(image);
      const asApi = (image: ImageRecord) =>
        JSON.stringify(
          ImageDto.from(image, {
            contentUrl: `/api/v1/images/${image.id}/content`,
            thumbnailUrl: `/api/v1/images/${image.id}/thumbnail`,
          }),
        );

      const items = await images.publicItems(
        [full.id, hidden.id, newId(), sparse.id],
        PUBLIC_ITEM_LAYOUT,
      );

      expect([...items.keys()].sort()).toEqual([full.id, sparse.id].sort());
      expect(items.get(full.id)).toBe(asApi(full));
      expect(items.get(sparse.id)).toBe(asApi(sparse));
      await expect(images.publicItems([], PUBLIC_ITEM_LAYOUT)).resolves.toEqual(new Map());
    });

    it("ownedItems: each of an owner's images, with its URLs as the API serialises it, byte for byte", async () => {
      const ownerId = newId();
      const full = makeImage({
        ownerId,
        visibility: 'private',
        scheduleId: newId(),
        prompt: AWKWARD,
        negativePrompt: `no ${AWKWARD}`,
        lineage: { strategy: 'llm', theme: AWKWARD, prompt: 'p', revisedPrompt: null },
        seed: 4_294_967_295,
        tags: ['fox', AWKWARD],
        createdAt: at(3),
      });
      const sparse = makeImage({
        ownerId,
        visibility: 'public',
        seed: null,
        negativePrompt: null,
        scheduleId: null,
        tags: [],
      });
      const others = makeImage({ ownerId: newId() });
      for (const image of [full, sparse, others]) await images.insert(image);
      // As a signed URL looks: a query string after the path.
      const urlsOf = (image: ImageRecord) => ({
        contentUrl: `/api/v1/images/${image.id}/content?expires=1&signature=${image.visibility}`,
        thumbnailUrl: `/api/v1/images/${image.id}/thumbnail?expires=1&signature=x-_`,
      });

      const items = await images.ownedItems(
        [full.id, others.id, newId(), sparse.id],
        ownerId,
        ITEM_FIELDS_LAYOUT,
      );

      expect([...items.keys()].sort()).toEqual([full.id, sparse.id].sort());
      for (const image of [full, sparse]) {
        const item = items.get(image.id)!;
        expect(item.visibility).toBe(image.visibility);
        expect(withContentUrls(item.json, urlsOf(image))).toBe(
          JSON.stringify(ImageDto.from(image, urlsOf(image))),
        );
      }
      await expect(images.ownedItems([], ownerId, ITEM_FIELDS_LAYOUT)).resolves.toEqual(new Map());
    });

    it('refuses a second image at the same (jobId, index) (image-job-index)', async () => {
      const first = makeImage({ index: 0 });
      await images.insert(first);
      const duplicate = makeImage({ jobId: first.jobId, index: 0 });

      const error = await images.insert(duplicate).then(
        () => null,
        (e: unknown) => e,
      );

      expect(error).toBeInstanceOf(UniqueViolationError);
      expect((error as UniqueViolationError).constraint).toBe('image-job-index');
      await expect(images.findById(duplicate.id)).resolves.toBeNull();
      await expect(images.findById(first.id)).resolves.toEqual(first);
      const next = makeImage({ jobId: first.jobId, index: 1 });
      await expect(images.insert(next)).resolves.toEqual(next);
    });

    describe('list', () => {
      it('pages newest first with a keyset cursor, missing and repeating nothing', async () => {
        const all = [0, 1, 2, 3, 4, 5, 6].map((i) => makeImage({ createdAt: at(i) }));
        for (const image of shuffled(all)) await images.insert(image);

        const pages = await collectPages((page) => images.list({}, page), 3);

        expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
        expect(idsOf(pages.flat())).toEqual(expectedOrder(all));
        expect(pages.flat()[0]).toEqual(all[6]);
      });

      it('orders images with the same createdAt by id, descending, and pages across them', async () => {
        const tied = [0, 1, 2, 3, 4].map(() => makeImage({ createdAt: at(5) }));
        const older = makeImage({ createdAt: at(1) });
        const newer = makeImage({ createdAt: at(9) });
        for (const image of shuffled([...tied, older, newer])) await images.insert(image);

        const expected = [newer.id, ...idsOf(tied).sort().reverse(), older.id];
        await expect(images.list({}, { limit: 10 }).then(idsOf)).resolves.toEqual(expected);
        for (const limit of [1, 2, 3]) {
          const pages = await collectPages((page) => images.list({}, page), limit);
          expect(idsOf(pages.flat())).toEqual(expected);
        }
      });

      describe('filters', () => {
        const ada = newId();
        const bob = newId();
        const set = [
          makeImage({
            ownerId: ada,
            visibility: 'public',
            provider: 'offline',
            model: 'offline-1',
            tags: ['sea', 'dusk'],
            createdAt: at(1),
          }),
          makeImage({
            ownerId: ada,
            visibility: 'private',
            provider: 'openai',
            model: 'gpt-image-1',
            tags: ['animals'],
            createdAt: at(2),
          }),
          makeImage({
            ownerId: bob,
            visibility: 'public',
            provider: 'openai',
            model: 'dall-e-3',
            tags: ['animals', 'winter'],
            createdAt: at(3),
          }),
          makeImage({
            ownerId: bob,
            visibility: 'private',
            provider: 'replicate',
            model: 'flux-schnell',
            tags: [],
            createdAt: at(4),
          }),
          makeImage({
            ownerId: ada,
            visibility: 'public',
            provider: 'offline',
            model: 'offline-1',
            tags: ['sea'],
            createdAt: at(5),
          }),
          makeImage({
            ownerId: bob,
            visibility: 'public',
            provider: 'offline',
            model: 'offline-2',
            tags: ['night'],
            createdAt: at(6),
          }),
        ];
        /** Expected results, as 1-based positions in `set` (createdAt = at(position)). */
        const cases: [string, ImageFilter, number[]][] = [
          ['no filter', {}, [6, 5, 4, 3, 2, 1]],
          ['visibility public', { visibility: 'public' }, [6, 5, 3, 1]],
          ['visibility private', { visibility: 'private' }, [4, 2]],
          ['ownerId', { ownerId: ada }, [5, 2, 1]],
          ['ownerId + visibility', { ownerId: bob, visibility: 'public' }, [6, 3]],
          ['provider', { provider: 'openai' }, [3, 2]],
          ['model', { model: 'offline-1' }, [5, 1]],
          ['provider + model', { provider: 'offline', model: 'offline-2' }, [6]],
          ['tag', { tag: 'animals' }, [3, 2]],
          ['tag, public only', { tag: 'animals', visibility: 'public' }, [3]],
          ['tag that is a prefix of another tag', { tag: 'anim' }, []],
          ['unknown tag', { tag: 'nothing' }, []],
          ['from (inclusive)', { from: at(5) }, [6, 5]],
          ['to (exclusive)', { to: at(2) }, [1]],
          ['from + to', { from: at(2), to: at(5) }, [4, 3, 2]],
          ['from + to, empty window', { from: at(3), to: at(3) }, []],
          ['tag + from', { tag: 'sea', from: at(2) }, [5]],
          ['unknown owner', { ownerId: newId() }, []],
        ];

        beforeEach(async () => {
          for (const image of shuffled(set)) await images.insert(image);
        });

        it.each(cases)('%s', async (_label, filter, positions) => {
          const expected = positions.map((p) => set[p - 1].id);

          await expect(images.list(filter, { limit: 50 }).then(idsOf)).resolves.toEqual(expected);
        });

        it.each([
          ['to before the cursor: to decides', at(3), 5, [2, 1]],
          ['to after the cursor: the cursor decides', at(6), 4, [3, 2, 1]],
          ['to at the cursor instant', at(4), 4, [3, 2, 1]],
        ])('to + cursor: %s', async (_label, to, cursorAt, positions) => {
          const after = { createdAt: set[cursorAt - 1].createdAt, id: set[cursorAt - 1].id };

          await expect(images.list({ to }, { limit: 50, after }).then(idsOf)).resolves.toEqual(
            positions.map((p) => set[p - 1].id),
          );
        });

        it.each(cases)('listKeys: %s, the same page as keys', async (_label, filter) => {
          const page = { limit: 50 };
          const records = await images.list(filter, page);

          await expect(images.listKeys(filter, page)).resolves.toEqual(
            records.map(({ id, createdAt }) => ({ id, createdAt })),
          );
        });

        it('findByIds: the records of the ids that exist', async () => {
          const found = await images.findByIds([set[0].id, newId(), set[3].id]);

          expect(idsOf(found).sort()).toEqual([set[0].id, set[3].id].sort());
          expect(found.find((image) => image.id === set[3].id)).toEqual(set[3]);
          await expect(images.findByIds([])).resolves.toEqual([]);
        });

        it('pages within a filter', async () => {
          const pages = await collectPages(
            (page) => images.list({ visibility: 'public' }, page),
            2,
          );

          expect(idsOf(pages.flat())).toEqual([6, 5, 3, 1].map((p) => set[p - 1].id));
        });
      });
    });

    it('lists a job’s images by index', async () => {
      const jobId = newId();
      const second = makeImage({ jobId, index: 1, createdAt: at(1) });
      const third = makeImage({ jobId, index: 2, createdAt: at(0) });
      const first = makeImage({ jobId, index: 0, createdAt: at(2) });
      for (const image of [third, first, second]) await images.insert(image);
      await images.insert(makeImage({ index: 0 }));

      await expect(images.listByJob(jobId)).resolves.toEqual([first, second, third]);
      await expect(images.listByJob(newId())).resolves.toEqual([]);
    });

    describe('update', () => {
      it('changes visibility and tags and returns the updated record', async () => {
        const image = makeImage({ visibility: 'private', tags: ['a'] });
        await images.insert(image);

        const shown = await images.update(image.id, { visibility: 'public' });
        expect(shown).toEqual({ ...image, visibility: 'public' });

        const tagged = await images.update(image.id, { tags: ['b', 'c'] });
        expect(tagged).toEqual({ ...image, visibility: 'public', tags: ['b', 'c'] });

        const both = await images.update(image.id, { visibility: 'private', tags: [] });
        expect(both).toEqual({ ...image, visibility: 'private', tags: [] });
        await expect(images.findById(image.id)).resolves.toEqual(both);
      });

      it('moves an image in and out of the public gallery', async () => {
        const image = makeImage({ visibility: 'private' });
        await images.insert(image);
        const gallery = () => images.list({ visibility: 'public' }, { limit: 10 }).then(idsOf);

        await expect(gallery()).resolves.toEqual([]);
        await images.update(image.id, { visibility: 'public' });
        await expect(gallery()).resolves.toEqual([image.id]);
        await images.update(image.id, { visibility: 'private' });
        await expect(gallery()).resolves.toEqual([]);
      });

      it('finds by the new tag after a tag update', async () => {
        const image = makeImage({ tags: ['old'] });
        await images.insert(image);

        await images.update(image.id, { tags: ['new'] });

        await expect(images.list({ tag: 'new' }, { limit: 10 }).then(idsOf)).resolves.toEqual([
          image.id,
        ]);
        await expect(images.list({ tag: 'old' }, { limit: 10 })).resolves.toEqual([]);
      });

      it('returns null for a missing id', async () => {
        await expect(images.update(newId(), { visibility: 'public' })).resolves.toBeNull();
      });
    });

    it('deletes once: true, then false', async () => {
      const image = makeImage();
      const other = makeImage();
      await images.insert(image);
      await images.insert(other);

      await expect(images.delete(image.id)).resolves.toBe(true);
      await expect(images.findById(image.id)).resolves.toBeNull();
      await expect(images.delete(image.id)).resolves.toBe(false);
      await expect(images.findById(other.id)).resolves.toEqual(other);
      await expect(images.list({}, { limit: 10 }).then(idsOf)).resolves.toEqual([other.id]);
    });

    it('findReferencedKeys returns exactly the keys some record points at', async () => {
      const a = makeImage({ createdAt: at(1) });
      const b = makeImage({ createdAt: at(2) });
      const gone = makeImage({ createdAt: at(3) });
      for (const image of [a, b, gone]) await images.insert(image);
      await images.delete(gone.id);
      const orphanImage = imageKey(newId(), at(4));
      const orphanThumb = thumbnailKey(newId(), at(4));

      const referenced = await images.findReferencedKeys([
        a.blobKey,
        a.thumbnailKey,
        b.thumbnailKey,
        gone.blobKey,
        gone.thumbnailKey,
        orphanImage,
        orphanThumb,
      ]);

      expect([...referenced].sort()).toEqual([a.blobKey, a.thumbnailKey, b.thumbnailKey].sort());
      await expect(images.findReferencedKeys([])).resolves.toEqual(new Set());
      await expect(images.findReferencedKeys([orphanImage])).resolves.toEqual(new Set());
    });
  });
}
