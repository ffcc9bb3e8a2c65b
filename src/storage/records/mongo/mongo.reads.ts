import type { Model, ProjectionType, QueryFilter } from 'mongoose';
import { NEWEST_FIRST } from './mongo.queries.js';

/**
 * One page of a list, newest first: at most `limit` documents of `model` matching `filter` (its
 * keyset condition included), as records. `Stored` is the document as read (`projection` may
 * leave fields out).
 */
export async function newestFirstPage<Doc, T, Stored = Doc>(
  model: Model<Doc>,
  filter: QueryFilter<Doc>,
  limit: number,
  from: (doc: Stored) => T,
  projection?: ProjectionType<Doc>,
): Promise<T[]> {
  // A limit of 0 means "no limit" to MongoDB.
  if (limit <= 0) return [];
  const docs = await model
    .find(filter, projection)
    .sort(NEWEST_FIRST)
    .limit(limit)
    .lean<Stored[]>()
    .exec();
  return docs.map(from);
}
