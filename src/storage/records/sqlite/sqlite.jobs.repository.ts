import type { Statement } from 'better-sqlite3';
import type { PageRequest } from '../../../common/cursor.js';
import {
  JobsRepository,
  mergeQueueCounts,
  type JobFilter,
  type JobPatch,
  type JobQueueCounts,
  type JobTransition,
} from '../jobs.repository.js';
import type { GenerationJob, JobStatus } from '../../../domain/records.js';
import { isUniqueViolation, type SqliteDatabase } from './sqlite.database.js';
import { limitOf } from './sqlite.sql.js';

interface JobRow {
  id: string;
  owner_id: string;
  status: string;
  request: string;
  lineage: string;
  attempts: number;
  error: string | null;
  image_ids: string;
  idempotency_key: string | null;
  request_hash: string | null;
  schedule_id: string | null;
  slot: string | null;
  provider_ref: string | null;
  worker_id: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  heartbeat_at: string | null;
  run_after: string;
}

const toJob = (row: JobRow): GenerationJob => ({
  id: row.id,
  ownerId: row.owner_id,
  status: row.status as JobStatus,
  request: JSON.parse(row.request) as GenerationJob['request'],
  lineage: JSON.parse(row.lineage) as GenerationJob['lineage'],
  attempts: row.attempts,
  error: row.error ? (JSON.parse(row.error) as GenerationJob['error']) : null,
  imageIds: JSON.parse(row.image_ids) as string[],
  idempotencyKey: row.idempotency_key,
  requestHash: row.request_hash,
  scheduleId: row.schedule_id,
  slot: row.slot,
  providerRef: row.provider_ref,
  workerId: row.worker_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  heartbeatAt: row.heartbeat_at,
  runAfter: row.run_after,
});

const toRow = (job: GenerationJob): JobRow => ({
  id: job.id,
  owner_id: job.ownerId,
  status: job.status,
  request: JSON.stringify(job.request),
  lineage: JSON.stringify(job.lineage),
  attempts: job.attempts,
  error: job.error ? JSON.stringify(job.error) : null,
  image_ids: JSON.stringify(job.imageIds),
  idempotency_key: job.idempotencyKey,
  request_hash: job.requestHash,
  schedule_id: job.scheduleId,
  slot: job.slot,
  provider_ref: job.providerRef,
  worker_id: job.workerId,
  created_at: job.createdAt,
  updated_at: job.updatedAt,
  started_at: job.startedAt,
  finished_at: job.finishedAt,
  heartbeat_at: job.heartbeatAt,
  run_after: job.runAfter,
});

/** Patch field → column, and how its value is stored. */
const PATCH_COLUMNS: { [K in keyof JobPatch]-?: [string, (value: JobPatch[K]) => unknown] } = {
  status: ['status', (v) => v],
  lineage: ['lineage', (v) => JSON.stringify(v)],
  error: ['error', (v) => (v ? JSON.stringify(v) : null)],
  imageIds: ['image_ids', (v) => JSON.stringify(v)],
  finishedAt: ['finished_at', (v) => v],
  runAfter: ['run_after', (v) => v],
  workerId: ['worker_id', (v) => v],
  heartbeatAt: ['heartbeat_at', (v) => v],
  attempts: ['attempts', (v) => v],
  providerRef: ['provider_ref', (v) => v],
};

export class SqliteJobsRepository extends JobsRepository {
  private readonly insertStmt: Statement<[JobRow]>;
  private readonly byId: Statement<[string], JobRow>;
  private readonly byIdempotencyKey: Statement<[string, string], JobRow>;
  private readonly bySlot: Statement<[string, string], JobRow>;
  private readonly activeCount: Statement<[string], { n: number }>;
  private readonly claimStmt: Statement<{ workerId: string; now: string }, JobRow>;
  private readonly claimByIdStmt: Statement<{ id: string; workerId: string; now: string }, JobRow>;
  private readonly staleStmt: Statement<[string], JobRow>;
  private readonly queuedStmt: Statement<
    { now: string },
    { provider: string; n: number; oldest_due: string | null }
  >;
  private readonly runningStmt: Statement<[], { provider: string; n: number }>;
  private readonly removeImageStmt: Statement<
    { jobId: string; imageId: string; now: string },
    JobRow
  >;

  constructor(private readonly sqlite: SqliteDatabase) {
    super();
    const { db } = sqlite;
    const columns = Object.keys(toRow({} as GenerationJob));
    this.insertStmt = db.prepare(
      `INSERT INTO jobs (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
    );
    this.byId = db.prepare('SELECT * FROM jobs WHERE id = ?');
    this.byIdempotencyKey = db.prepare(
      'SELECT * FROM jobs WHERE owner_id = ? AND idempotency_key = ?',
    );
    this.bySlot = db.prepare('SELECT * FROM jobs WHERE schedule_id = ? AND slot = ?');
    this.activeCount = db.prepare(
      `SELECT count(*) AS n FROM jobs WHERE owner_id = ? AND status IN ('queued', 'running')`,
    );
    // One statement: SQLite's write lock makes select-and-update atomic, across processes too.
    this.claimStmt = db.prepare(
      `UPDATE jobs
          SET status = 'running', attempts = attempts + 1, worker_id = @workerId,
              heartbeat_at = @now, started_at = coalesce(started_at, @now), updated_at = @now
        WHERE id = (SELECT id FROM jobs WHERE status = 'queued' AND run_after <= @now
                     ORDER BY created_at, id LIMIT 1)
        RETURNING *`,
    );
    this.claimByIdStmt = db.prepare(
      `UPDATE jobs
          SET status = 'running', attempts = attempts + 1, worker_id = @workerId,
              heartbeat_at = @now, started_at = coalesce(started_at, @now), updated_at = @now
        WHERE id = @id AND status = 'queued'
        RETURNING *`,
    );
    // Each over its partial index (queued, running): the scan is the active jobs only.
    this.queuedStmt = db.prepare(
      `SELECT json_extract(request, '$.provider') AS provider, count(*) AS n,
              min(CASE WHEN run_after <= @now THEN run_after END) AS oldest_due
         FROM jobs WHERE status = 'queued' GROUP BY 1`,
    );
    this.runningStmt = db.prepare(
      `SELECT json_extract(request, '$.provider') AS provider, count(*) AS n
         FROM jobs WHERE status = 'running' GROUP BY 1`,
    );
    this.staleStmt = db.prepare(
      `SELECT * FROM jobs WHERE status = 'running' AND heartbeat_at < ? ORDER BY heartbeat_at, id`,
    );
    this.removeImageStmt = db.prepare(
      `UPDATE jobs
          SET image_ids = (SELECT json_group_array(value ORDER BY key)
                             FROM json_each(jobs.image_ids) WHERE value <> @imageId),
              updated_at = @now
        WHERE id = @jobId
          AND EXISTS (SELECT 1 FROM json_each(jobs.image_ids) WHERE value = @imageId)
        RETURNING *`,
    );
  }

  async create(job: GenerationJob): Promise<{ job: GenerationJob; created: boolean }> {
    try {
      this.insertStmt.run(toRow(job));
      return { job, created: true };
    } catch (error) {
      const existing =
        (isUniqueViolation(error, 'jobs_idempotency') &&
          this.byIdempotencyKey.get(job.ownerId, job.idempotencyKey ?? '')) ||
        (isUniqueViolation(error, 'jobs_schedule_slot') &&
          this.bySlot.get(job.scheduleId ?? '', job.slot ?? ''));
      if (existing) return { job: toJob(existing), created: false };
      throw error;
    }
  }

  async findById(id: string): Promise<GenerationJob | null> {
    const row = this.byId.get(id);
    return row ? toJob(row) : null;
  }

  async findByIdempotencyKey(ownerId: string, key: string): Promise<GenerationJob | null> {
    const row = this.byIdempotencyKey.get(ownerId, key);
    return row ? toJob(row) : null;
  }

  async list(filter: JobFilter, page: PageRequest): Promise<GenerationJob[]> {
    const where: string[] = [];
    if (filter.ownerId !== undefined) where.push('owner_id = @ownerId');
    if (filter.scheduleId !== undefined) where.push('schedule_id = @scheduleId');
    if (filter.status) where.push('status = @status');
    if (page.after) where.push('(created_at, id) < (@afterCreatedAt, @afterId)');
    const rows = this.sqlite
      .statement<Record<string, unknown>, JobRow>(
        `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY created_at DESC, id DESC ${limitOf(page.limit)}`,
      )
      .all({
        ownerId: filter.ownerId,
        scheduleId: filter.scheduleId,
        status: filter.status,
        afterCreatedAt: page.after?.createdAt,
        afterId: page.after?.id,
      });
    return rows.map(toJob);
  }

  async countActive(ownerId: string): Promise<number> {
    return this.activeCount.get(ownerId)?.n ?? 0;
  }

  async claimNext(workerId: string, now: string): Promise<GenerationJob | null> {
    const row = this.claimStmt.get({ workerId, now });
    return row ? toJob(row) : null;
  }

  async claim(id: string, workerId: string, now: string): Promise<GenerationJob | null> {
    const row = this.claimByIdStmt.get({ id, workerId, now });
    return row ? toJob(row) : null;
  }

  async transition(change: JobTransition): Promise<GenerationJob | null> {
    const { id, from, patch, now, workerId, heartbeatAt } = change;
    const sets = ['updated_at = @now'];
    const params: Record<string, unknown> = { id, from, now, workerId, heartbeatAt };
    for (const [key, value] of Object.entries(patch) as [keyof JobPatch, never][]) {
      if (value === undefined) continue;
      const [column, encode] = PATCH_COLUMNS[key] as [string, (v: unknown) => unknown];
      sets.push(`${column} = @p_${column}`);
      params[`p_${column}`] = encode(value);
    }
    const guard =
      (workerId === undefined ? '' : ' AND worker_id = @workerId') +
      (heartbeatAt === undefined ? '' : ' AND heartbeat_at = @heartbeatAt');
    const row = this.sqlite
      .statement<Record<string, unknown>, JobRow>(
        `UPDATE jobs SET ${sets.join(', ')} WHERE id = @id AND status = @from${guard} RETURNING *`,
      )
      .get(params);
    return row ? toJob(row) : null;
  }

  async removeImageId(jobId: string, imageId: string, now: string): Promise<GenerationJob | null> {
    // One statement, so concurrent removals cannot overwrite each other's list.
    const row = this.removeImageStmt.get({ jobId, imageId, now });
    return row ? toJob(row) : this.findById(jobId);
  }

  async listStale(staleBefore: string): Promise<GenerationJob[]> {
    return this.staleStmt.all(staleBefore).map(toJob);
  }

  async queueStats(now: string): Promise<JobQueueCounts[]> {
    return mergeQueueCounts(
      this.queuedStmt.all({ now }).map((row) => ({
        provider: row.provider,
        count: row.n,
        oldestDueAt: row.oldest_due,
      })),
      this.runningStmt.all().map((row) => ({ provider: row.provider, count: row.n })),
    );
  }
}
