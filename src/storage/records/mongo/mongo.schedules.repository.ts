import type { UpdateQuery } from 'mongoose';
import type { PageRequest } from '../../../common/cursor.js';
import type { Schedule } from '../../../domain/records.js';
import { SchedulesRepository, type SchedulePatch } from '../schedules.repository.js';
import type { MongoDatabase } from './mongo.database.js';
import { fromScheduleDoc, toScheduleDoc, type ScheduleDoc } from './mongo.documents.js';
import {
  mayViolate,
  recordFailureUpdate,
  scheduleListFilter,
  schedulePatchUpdate,
} from './mongo.queries.js';
import { newestFirstPage } from './mongo.reads.js';

export class MongoSchedulesRepository extends SchedulesRepository {
  constructor(private readonly mongo: MongoDatabase) {
    super();
  }

  async create(schedule: Schedule): Promise<{ schedule: Schedule; created: boolean }> {
    try {
      await this.mongo.schedules.insertOne(toScheduleDoc(schedule));
      return { schedule, created: true };
    } catch (error) {
      // Same id (the built-in system schedule, created by every replica): keep the stored one.
      const existing = mayViolate(error, ['_id']) && (await this.findById(schedule.id));
      if (existing) return { schedule: existing, created: false };
      throw error;
    }
  }

  async findById(id: string): Promise<Schedule | null> {
    const doc = await this.mongo.schedules.findById(id).lean<ScheduleDoc>().exec();
    return doc ? fromScheduleDoc(doc) : null;
  }

  async list(ownerId: string | undefined, page: PageRequest): Promise<Schedule[]> {
    const where = scheduleListFilter(ownerId, page.after);
    return newestFirstPage(this.mongo.schedules, where, page.limit, fromScheduleDoc);
  }

  async listAll(): Promise<Schedule[]> {
    const docs = await this.mongo.schedules.find({}).lean<ScheduleDoc[]>().exec();
    return docs.map(fromScheduleDoc);
  }

  async countByOwner(ownerId: string): Promise<number> {
    return this.mongo.schedules.countDocuments({ ownerId: { $eq: ownerId } }).exec();
  }

  async update(id: string, patch: SchedulePatch): Promise<Schedule | null> {
    return this.updateOne(id, schedulePatchUpdate(patch));
  }

  /** `$inc` in one update: concurrent failures all count. */
  async recordFailure(id: string, updatedAt: string): Promise<Schedule | null> {
    return this.updateOne(id, recordFailureUpdate(updatedAt));
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.mongo.schedules.deleteOne({ _id: { $eq: id } }).exec();
    return result.deletedCount > 0;
  }

  /** Applies `update` to the schedule in one atomic step; the schedule after it, or null. */
  private async updateOne(id: string, update: UpdateQuery<ScheduleDoc>): Promise<Schedule | null> {
    const doc = await this.mongo.schedules
      .findOneAndUpdate({ _id: { $eq: id } }, update, { returnDocument: 'after' })
      .lean<ScheduleDoc>()
      .exec();
    return doc ? fromScheduleDoc(doc) : null;
  }
}
