import type { QueryFilter } from 'mongoose';
import type { PageRequest } from '../../../common/cursor.js';
import {
  JobsRepository,
  countActiveJobs,
  type JobFilter,
  type JobQueueCounts,
  type JobTransition,
} from '../jobs.repository.js';
import type { GenerationJob } from '../../../domain/records.js';
import type { MongoDatabase } from './mongo.database.js';
import { fromJobDoc, toJobDoc, type JobDoc } from './mongo.documents.js';
import {
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
import { newestFirstPage } from './mongo.reads.js';

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
    const where = jobListFilter(filter, page.after);
    return newestFirstPage(this.mongo.jobs, where, page.limit, fromJobDoc);
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

  /** One `findOneAndUpdate` on the id while queued: atomic, like `claimNext`. */
  async claim(id: string, workerId: string, now: string): Promise<GenerationJob | null> {
    const doc = await this.mongo.jobs
      .findOneAndUpdate({ _id: { $eq: id }, status: 'queued' }, claimUpdate(workerId, now), {
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

  /** The active jobs' few fields, counted here: the same answer as every other adapter's. */
  async queueStats(now: string): Promise<JobQueueCounts[]> {
    const docs = await this.mongo.jobs
      .find(
        { status: { $in: ['queued', 'running'] } },
        { status: 1, runAfter: 1, 'request.provider': 1 },
      )
      .lean<Pick<JobDoc, 'status' | 'runAfter' | 'request'>[]>()
      .exec();
    return countActiveJobs(
      docs.map(({ status, runAfter, request }) => ({
        provider: request.provider,
        status,
        runAfter,
      })),
      now,
    );
  }

  private async findOne(filter: QueryFilter<JobDoc>): Promise<GenerationJob | null> {
    const doc = await this.mongo.jobs.findOne(filter).lean<JobDoc>().exec();
    return doc ? fromJobDoc(doc) : null;
  }
}
