import type { PageRequest } from '../../../src/common/cursor.js';
import {
  JobsRepository,
  countActiveJobs,
  type JobFilter,
  type JobQueueCounts,
  type JobTransition,
} from '../../../src/storage/records/jobs.repository.js';
import type { GenerationJob } from '../../../src/domain/records.js';
import { copy, pageOf } from './table.js';

/**
 * Jobs in a map. Each method reads and writes without awaiting in between, so it is atomic as a
 * database statement is: two claimers never get one job.
 */
export class InMemoryJobsRepository extends JobsRepository {
  private readonly rows = new Map<string, GenerationJob>();

  async create(job: GenerationJob): Promise<{ job: GenerationJob; created: boolean }> {
    const holder =
      (job.idempotencyKey !== null &&
        this.find((j) => j.ownerId === job.ownerId && j.idempotencyKey === job.idempotencyKey)) ||
      (job.scheduleId !== null &&
        job.slot !== null &&
        this.find((j) => j.scheduleId === job.scheduleId && j.slot === job.slot));
    if (holder) return { job: copy(holder), created: false };
    this.rows.set(job.id, copy(job));
    return { job: copy(job), created: true };
  }

  async findById(id: string): Promise<GenerationJob | null> {
    const job = this.rows.get(id);
    return job ? copy(job) : null;
  }

  async findByIdempotencyKey(ownerId: string, key: string): Promise<GenerationJob | null> {
    const job = this.find((j) => j.ownerId === ownerId && j.idempotencyKey === key);
    return job ? copy(job) : null;
  }

  async list(filter: JobFilter, page: PageRequest): Promise<GenerationJob[]> {
    const { ownerId, scheduleId, status } = filter;
    const rows = [...this.rows.values()].filter(
      (job) =>
        (ownerId === undefined || job.ownerId === ownerId) &&
        (scheduleId === undefined || job.scheduleId === scheduleId) &&
        (status === undefined || job.status === status),
    );
    return pageOf(rows, page);
  }

  async countActive(ownerId: string): Promise<number> {
    return [...this.rows.values()].filter(
      (job) => job.ownerId === ownerId && (job.status === 'queued' || job.status === 'running'),
    ).length;
  }

  async claimNext(workerId: string, now: string): Promise<GenerationJob | null> {
    const [next] = [...this.rows.values()]
      .filter((job) => job.status === 'queued' && job.runAfter <= now)
      .sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.id, b.id));
    if (!next) return null;
    return this.write({
      ...next,
      status: 'running',
      attempts: next.attempts + 1,
      workerId,
      heartbeatAt: now,
      startedAt: next.startedAt ?? now,
      updatedAt: now,
    });
  }

  async claim(id: string, workerId: string, now: string): Promise<GenerationJob | null> {
    const job = this.rows.get(id);
    if (job?.status !== 'queued') return null;
    return this.write({
      ...job,
      status: 'running',
      attempts: job.attempts + 1,
      workerId,
      heartbeatAt: now,
      startedAt: job.startedAt ?? now,
      updatedAt: now,
    });
  }

  async transition(change: JobTransition): Promise<GenerationJob | null> {
    const { id, from, patch, now, workerId, heartbeatAt } = change;
    const job = this.rows.get(id);
    if (
      !job ||
      job.status !== from ||
      (workerId !== undefined && job.workerId !== workerId) ||
      (heartbeatAt !== undefined && job.heartbeatAt !== heartbeatAt)
    ) {
      return null;
    }
    const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    return this.write({ ...job, ...copy(given), updatedAt: now });
  }

  async removeImageId(jobId: string, imageId: string, now: string): Promise<GenerationJob | null> {
    const job = this.rows.get(jobId);
    if (!job) return null;
    if (!job.imageIds.includes(imageId)) return copy(job);
    return this.write({
      ...job,
      imageIds: job.imageIds.filter((id) => id !== imageId),
      updatedAt: now,
    });
  }

  async listStale(staleBefore: string): Promise<GenerationJob[]> {
    return [...this.rows.values()]
      .filter(
        (job) =>
          job.status === 'running' && job.heartbeatAt !== null && job.heartbeatAt < staleBefore,
      )
      .sort((a, b) => compare(a.heartbeatAt!, b.heartbeatAt!) || compare(a.id, b.id))
      .map(copy);
  }

  async queueStats(now: string): Promise<JobQueueCounts[]> {
    const active = [...this.rows.values()].map(({ status, request, runAfter }) => ({
      provider: request.provider,
      status,
      runAfter,
    }));
    return countActiveJobs(active, now);
  }

  private find(match: (job: GenerationJob) => boolean): GenerationJob | undefined {
    return [...this.rows.values()].find(match);
  }

  private write(job: GenerationJob): GenerationJob {
    this.rows.set(job.id, job);
    return copy(job);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
