/**
 * The page read every MongoDB list goes through, without a server: a `find` hook on a model of an
 * unopened connection sees the query mongoose would send and answers it from memory instead.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import mongoose, { Schema } from 'mongoose';

import { NEWEST_FIRST } from './mongo.queries.js';
import { newestFirstPage } from './mongo.reads.js';

interface NoteDoc {
  _id: string;
  createdAt: string;
  text: string;
  secret: string;
}

describe('newestFirstPage', () => {
  const connection = mongoose.createConnection();
  const schema = new Schema<NoteDoc>({
    _id: String,
    createdAt: String,
    text: String,
    secret: String,
  });
  let sent: { filter: unknown; options: unknown; fields: unknown; lean: unknown }[];
  let stored: NoteDoc[];
  schema.pre('find', function () {
    sent.push({
      filter: this.getFilter(),
      options: this.getOptions(),
      fields: this.projection(),
      lean: this.mongooseOptions().lean,
    });
    // Answered here, so the wrapped `find` never runs: mongoose's way is to throw this value.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw mongoose.skipMiddlewareFunction(stored);
  });
  const notes = connection.model<NoteDoc>('Note', schema);

  beforeEach(() => {
    sent = [];
    stored = [
      { _id: 'b', createdAt: '2026-01-02', text: 'second', secret: 's' },
      { _id: 'a', createdAt: '2026-01-01', text: 'first', secret: 's' },
    ];
  });
  afterAll(() => connection.close());

  it('asks for the filter newest first, at most `limit`, as plain documents, and maps them', async () => {
    const filter = { text: { $eq: 'second' } };

    const page = await newestFirstPage(notes, filter, 2, (doc: NoteDoc) => doc.text);

    expect(page).toEqual(['second', 'first']);
    expect(sent).toEqual([
      { filter, options: { sort: NEWEST_FIRST, limit: 2 }, fields: undefined, lean: true },
    ]);
  });

  it('sends the projection when one is given', async () => {
    await newestFirstPage(notes, {}, 5, (doc: Omit<NoteDoc, 'secret'>) => doc._id, { secret: 0 });

    expect(sent[0].fields).toEqual({ secret: 0 });
  });

  it('answers an empty page without asking for a limit of 0, which MongoDB reads as none', async () => {
    const page = await newestFirstPage(notes, {}, 0, (doc: NoteDoc) => doc._id);

    expect(page).toEqual([]);
    expect(sent).toEqual([]);
  });
});
