import type { QueryFilter } from 'mongoose';
import type { PageRequest } from '../../../common/cursor.js';
import { JobsRepository, type JobFilter, type JobTransition } from '../jobs.repository.js';
import type { GenerationJob } from '../../../domain/records.js';
import type { MongoDatabase } from './mongo.database.js';
import { fromJobDoc, toJobDoc, type JobDoc } from './mongo.documents.js';
import {
  NEWEST_FIRST,
  OLDEST_FIRST,
  activeJobsFilter,
  claimFilter,
  claimUpdate,
  idempotencyKeyFilter,
  jobListFilter,
  jobPatchUpdate,
  jobWithImageFilter,
  mayViolate,
  removeImageIdUpdate,
  scheduleSlotFilter,
  staleRunningFilter,
  transitionFilter,
} from './mongo.queries.js';

export class MongoJobsRepository extends JobsRepository {
  constructor(private readonly mongo: MongoDatabase) {
    super();
  }

  async create(job: GenerationJob): Promise<{ job: GenerationJob; created: boolean }> {
    try {
      await this.mongo.jobs.insertOne(toJobDoc(job));
      return { job, created: true };
    } catch (error) {
      // The unique index that refused the insert says which first job to return; the insert that
      // won is committed on the primary before ours is refused, so the read below finds it.
      const existing =
        (job.idempotencyKey !== null &&
          mayViolate(error, ['ownerId', 'idempotencyKey']) &&
          (await this.findOne(idempotencyKeyFilter(job.ownerId, job.idempotencyKey)))) ||
        (job.scheduleId !== null &&
          job.slot !== null &&
          mayViolate(error, ['scheduleId', 'slot']) &&
          (await this.findOne(scheduleSlotFilter(job.scheduleId, job.slot))));
      if (existing) return { job: existing, created: false };
      throw error;
    }
  }

  async findById(id: string): Promise<GenerationJob | null> {
    return this.findOne({ _id: { $eq: id } });
  }

  async findByIdempotencyKey(ownerId: string, key: string): Promise<GenerationJob | null> {
    return this.findOne(idempotencyKeyFilter(ownerId, key));
  }

  async list(filter: JobFilter, page: PageRequest): Promise<GenerationJob[]> {
    // A limit of 0 means "no limit" to MongoDB.
    if (page.limit <= 0) return [];
    const docs = await this.mongo.jobs
      .find(jobListFilter(filter, page.after))
      .sort(NEWEST_FIRST)
      .limit(page.limit)
      .lean<JobDoc[]>()
      .exec();
    return docs.map(fromJobDoc);
  }

  async countActive(ownerId: string): Promise<number> {
    return this.mongo.jobs.countDocuments(activeJobsFilter(ownerId)).exec();
  }

  /**
   * One `findOneAndUpdate`: MongoDB matches and updates a document atomically, and a concurrent
   * claimer that loses the race on the same job re-evaluates the filter and moves on to the next.
   */
  async claimNext(workerId: string, now: string): Promise<GenerationJob | null> {
    const doc = await this.mongo.jobs
      .findOneAndUpdate(claimFilter(now), claimUpdate(workerId, now), {
        sort: OLDEST_FIRST,
        returnDocument: 'after',
      })
      .lean<JobDoc>()
      .exec();
    return doc ? fromJobDoc(doc) : null;
  }

  async transition(change: JobTransition): Promise<GenerationJob | null> {
    const { id, from, patch, now, workerId, heartbeatAt } = change;
    const doc = await this.mongo.jobs
      .findOneAndUpdate(
        transitionFilter(id, from, workerId, heartbeatAt),
        jobPatchUpdate(patch, now),
        { returnDocument: 'after' },
      )
      .lean<JobDoc>()
      .exec();
    return doc ? fromJobDoc(doc) : null;
  }

  async removeImageId(jobId: string, imageId: string, now: string): Promise<GenerationJob | null> {
    const doc = await this.mongo.jobs
      .findOneAndUpdate(jobWithImageFilter(jobId, imageId), removeImageIdUpdate(imageId, now), {
        returnDocument: 'after',
      })
      .lean<JobDoc>()
      .exec();
    return doc ? fromJobDoc(doc) : this.findById(jobId);
  }

  async listStale(staleBefore: string): Promise<GenerationJob[]> {
    const docs = await this.mongo.jobs
      .find(staleRunningFilter(staleBefore))
      .lean<JobDoc[]>()
      .exec();
    return docs.map(fromJobDoc);
  }

  private async findOne(filter: QueryFilter<JobDoc>): Promise<GenerationJob | null> {
    const doc = await this.mongo.jobs.findOne(filter).lean<JobDoc>().exec();
    return doc ? fromJobDoc(doc) : null;
  }
}
