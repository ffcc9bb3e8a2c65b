/**
 * MongoDB schedule and image updates, and how a refused write names its unique index, checked
 * without a server (see test/support/mongo-queries.ts).
 */
import { describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';

import { at, makeImage, makeSchedule } from '../../../../test/fixtures/records.js';
import { apply, find, imageFilter } from '../../../../test/support/mongo-queries.js';
import {
  fromImageDoc,
  fromScheduleDoc,
  toImageDoc,
  toScheduleDoc,
  type ImageDoc,
} from './mongo.documents.js';
import {
  duplicateKeyFields,
  imagePatchUpdate,
  mayViolate,
  recordFailureUpdate,
  schedulePatchUpdate,
} from './mongo.queries.js';

describe('schedule and image updates', () => {
  it('sets the schedule patch’s fields; failures add one', () => {
    const doc = toScheduleDoc(makeSchedule({ consecutiveFailures: 2 }));
    const patched = apply(
      doc,
      schedulePatchUpdate({ enabled: false, nextRunAt: null, name: undefined, updatedAt: at(5) }),
    );

    expect(fromScheduleDoc(patched)).toEqual({
      ...fromScheduleDoc(doc),
      enabled: false,
      nextRunAt: null,
      updatedAt: at(5),
    });
    expect(fromScheduleDoc(apply(patched, recordFailureUpdate(at(6))))).toMatchObject({
      consecutiveFailures: 3,
      updatedAt: at(6),
    });
  });

  it('new tags replace the old ones in search; visibility alone leaves search alone', () => {
    const doc = toImageDoc(makeImage({ prompt: 'Neon city street', tags: ['cyberpunk'] }));
    const search = (image: ImageDoc, q: string) => find([image], imageFilter({ q })).length;

    const retagged = apply(doc, imagePatchUpdate({ tags: ['synthwave'] }, doc.prompt)!);
    const shown = apply(doc, imagePatchUpdate({ visibility: 'private' }, doc.prompt)!);

    expect(search(retagged, 'synthwave')).toBe(1);
    expect(search(retagged, 'neon')).toBe(1);
    expect(search(retagged, 'cyberpunk')).toBe(0);
    expect(fromImageDoc(retagged).tags).toEqual(['synthwave']);
    expect(shown.searchTokens).toEqual(doc.searchTokens);
    expect(shown.visibility).toBe('private');
    expect(imagePatchUpdate({}, doc.prompt)).toBeNull();
  });
});

describe('duplicate keys', () => {
  const duplicate = (keyPattern?: Record<string, number>) =>
    new mongoose.mongo.MongoServerError({
      code: 11000,
      errmsg: 'E11000 duplicate key error',
      ...(keyPattern ? { keyPattern } : {}),
    });

  it('names the refusing index from keyPattern', () => {
    const error = duplicate({ ownerId: 1, idempotencyKey: 1 });

    expect(duplicateKeyFields(error)).toEqual(['ownerId', 'idempotencyKey']);
    expect(mayViolate(error, ['ownerId', 'idempotencyKey'])).toBe(true);
    expect(mayViolate(error, ['scheduleId', 'slot'])).toBe(false);
  });

  it('may be any index when the server does not say (Cosmos DB)', () => {
    expect(duplicateKeyFields(duplicate())).toBeNull();
    expect(mayViolate(duplicate(), ['email'])).toBe(true);
  });

  it('is not a duplicate key for other errors', () => {
    const other = new mongoose.mongo.MongoServerError({ code: 2, errmsg: 'BadValue' });

    expect(mayViolate(other, ['email'])).toBe(false);
    expect(mayViolate(new Error('boom'), ['email'])).toBe(false);
    expect(mayViolate(null, ['email'])).toBe(false);
  });
});
