/**
 * MongoDB list queries, checked without a server over in-memory documents (see
 * test/support/mongo-queries.ts): keyset pages and the image filters.
 */
import { describe, expect, it } from '@jest/globals';

import { at, makeImage, makeJob, makeSchedule } from '../../../../test/fixtures/records.js';
import { collectPages, find, ids, imageFilter } from '../../../../test/support/mongo-queries.js';
import { newId } from '../../../common/ids.js';
import type { ImageFilter } from '../images.repository.js';
import { toImageDoc, toJobDoc, toScheduleDoc, type ImageDoc } from './mongo.documents.js';
import {
  NEWEST_FIRST,
  imageListFilter,
  jobListFilter,
  referencedKeysFilter,
  scheduleListFilter,
} from './mongo.queries.js';

describe('keyset pages', () => {
  const ownerId = newId();
  const tied = [0, 1, 2, 3, 4].map(() => toJobDoc(makeJob({ ownerId, createdAt: at(5) })));
  const others = [1, 2, 9].map((s) => toJobDoc(makeJob({ ownerId, createdAt: at(s) })));
  const foreign = toJobDoc(makeJob({ createdAt: at(3) }));
  const docs = [...tied, ...others, foreign];
  const expected = ids(find(docs, { ownerId }));

  it.each([1, 2, 3, 100])('page through newest first, ties by id, limit %i', (limit) => {
    const pages = collectPages((after) =>
      find(docs, jobListFilter({ ownerId }, after), NEWEST_FIRST, limit),
    );

    expect(pages.flat()).toEqual(expected);
    expect(pages.flat()).toHaveLength(8);
    expect(new Set(pages.flat()).size).toBe(8);
  });

  it('keeps a from/to window while paging', () => {
    const images = [1, 2, 3, 4, 5, 5, 5, 6].map((s) => toImageDoc(makeImage({ createdAt: at(s) })));
    const window: ImageFilter = { from: at(2), to: at(6) };
    const all = ids(find(images, imageListFilter(window)));

    const pages = collectPages((after) =>
      find(images, imageListFilter(window, after), NEWEST_FIRST, 2),
    );

    expect(all).toHaveLength(6);
    expect(pages.flat()).toEqual(all);
    const filter = imageListFilter(window, { createdAt: at(5), id: newId() });
    expect(filter?.createdAt).toEqual({ $gte: at(2), $lt: at(6), $lte: at(5) });
  });

  it('pages every schedule, or one owner’s', () => {
    const owner = newId();
    const schedules = [1, 2, 3, 3, 4].map((s, i) =>
      toScheduleDoc(makeSchedule({ ownerId: i < 3 ? owner : newId(), createdAt: at(s) })),
    );

    const mine = collectPages((after) =>
      find(schedules, scheduleListFilter(owner, after), NEWEST_FIRST, 1),
    );
    const every = collectPages((after) =>
      find(schedules, scheduleListFilter(undefined, after), NEWEST_FIRST, 2),
    );

    expect(mine.flat()).toEqual(ids(schedules.slice(0, 3)).reverse());
    expect(every.flat()).toEqual(ids(find(schedules, {})));
  });

  it('refuses a job list with neither an owner nor a schedule', () => {
    // @ts-expect-error -- the type forbids it; this is input from outside the type system.
    expect(() => jobListFilter({ status: 'queued' })).toThrow(/ownerId or scheduleId/);
  });
});

describe('image filters', () => {
  const ada = newId();
  const set = [
    { ownerId: ada, visibility: 'public', provider: 'offline', model: 'offline-1', tags: ['sea'] },
    {
      ownerId: ada,
      visibility: 'private',
      provider: 'openai',
      model: 'gpt-image-1',
      tags: ['animals'],
    },
    {
      ownerId: newId(),
      visibility: 'public',
      provider: 'openai',
      model: 'dall-e-3',
      tags: ['animals'],
    },
  ].map((fields, i) =>
    toImageDoc(
      makeImage({ ...(fields as Partial<ImageDoc>), tags: fields.tags, createdAt: at(i + 1) }),
    ),
  );
  const list = (filter: ImageFilter) => ids(find(set, imageFilter(filter)));

  it.each<[string, ImageFilter, number[]]>([
    ['no filter', {}, [3, 2, 1]],
    ['public gallery', { visibility: 'public' }, [3, 1]],
    ['history', { ownerId: ada }, [2, 1]],
    ['provider + model', { provider: 'openai', model: 'dall-e-3' }, [3]],
    ['tag', { tag: 'animals' }, [3, 2]],
    ['a prefix of a tag is not the tag', { tag: 'anim' }, []],
    ['from is inclusive', { from: at(2) }, [3, 2]],
    ['to is exclusive', { to: at(2) }, [1]],
  ])('%s', (_label, filter, positions) => {
    expect(list(filter)).toEqual(positions.map((p) => set[p - 1]._id));
  });

  it('compares request values as values: an operator smuggled in matches nothing', () => {
    const smuggled = { $ne: 'nothing' } as unknown as string;

    expect(list({ provider: smuggled })).toEqual([]);
    expect(list({ ownerId: smuggled })).toEqual([]);
    expect(list({ tag: smuggled })).toEqual([]);
    expect(find([toJobDoc(makeJob())], jobListFilter({ ownerId: smuggled }))).toEqual([]);
  });

  it('finds the keys some image or thumbnail is stored under', () => {
    const keys = [set[0].blobKey, set[1].thumbnailKey, 'images/2026/11/gone.png'];

    expect(ids(find(set, referencedKeysFilter(keys)))).toEqual([set[1]._id, set[0]._id]);
  });
});
