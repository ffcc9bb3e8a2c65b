import type { PageRequest } from '../../../common/cursor.js';
import type { Schedule, ScheduleTemplate } from '../../../domain/records.js';
import { SchedulesRepository, type SchedulePatch } from '../schedules.repository.js';
import type { SqliteDatabase } from './sqlite.database.js';
import { newestFirstPage, patchAssignments, type PatchColumns } from './sqlite.sql.js';

interface ScheduleRow {
  id: string;
  owner_id: string;
  name: string;
  cron: string;
  timezone: string;
  enabled: number;
  template: string;
  paused_reason: string | null;
  consecutive_failures: number;
  last_run_at: string | null;
  next_run_at: string | null;
  system: number;
  created_at: string;
  updated_at: string;
}

const toSchedule = (row: ScheduleRow): Schedule => ({
  id: row.id,
  ownerId: row.owner_id,
  name: row.name,
  cron: row.cron,
  timezone: row.timezone,
  enabled: row.enabled === 1,
  template: JSON.parse(row.template) as ScheduleTemplate,
  pausedReason: row.paused_reason,
  consecutiveFailures: row.consecutive_failures,
  lastRunAt: row.last_run_at,
  nextRunAt: row.next_run_at,
  system: row.system === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toRow = (schedule: Schedule): ScheduleRow => ({
  id: schedule.id,
  owner_id: schedule.ownerId,
  name: schedule.name,
  cron: schedule.cron,
  timezone: schedule.timezone,
  enabled: schedule.enabled ? 1 : 0,
  template: JSON.stringify(schedule.template),
  paused_reason: schedule.pausedReason,
  consecutive_failures: schedule.consecutiveFailures,
  last_run_at: schedule.lastRunAt,
  next_run_at: schedule.nextRunAt,
  system: schedule.system ? 1 : 0,
  created_at: schedule.createdAt,
  updated_at: schedule.updatedAt,
});

const PATCH_COLUMNS: PatchColumns<SchedulePatch> = {
  name: ['name', (v: string) => v],
  cron: ['cron', (v: string) => v],
  timezone: ['timezone', (v: string) => v],
  enabled: ['enabled', (v: boolean) => (v ? 1 : 0)],
  template: ['template', (v: ScheduleTemplate) => JSON.stringify(v)],
  pausedReason: ['paused_reason', (v: string | null) => v],
  consecutiveFailures: ['consecutive_failures', (v: number) => v],
  lastRunAt: ['last_run_at', (v: string | null) => v],
  nextRunAt: ['next_run_at', (v: string | null) => v],
  updatedAt: ['updated_at', (v: string) => v],
};

const COLUMNS = Object.keys(toRow({ template: {} } as Schedule));

export class SqliteSchedulesRepository extends SchedulesRepository {
  constructor(private readonly sqlite: SqliteDatabase) {
    super();
  }

  async create(schedule: Schedule): Promise<{ schedule: Schedule; created: boolean }> {
    const changes = this.sqlite
      .statement<[ScheduleRow]>(
        `INSERT INTO schedules (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})
         ON CONFLICT (id) DO NOTHING`,
      )
      .run(toRow(schedule)).changes;
    if (changes > 0) return { schedule, created: true };
    return { schedule: (await this.findById(schedule.id)) as Schedule, created: false };
  }

  async findById(id: string): Promise<Schedule | null> {
    const row = this.sqlite
      .statement<[string], ScheduleRow>('SELECT * FROM schedules WHERE id = ?')
      .get(id);
    return row ? toSchedule(row) : null;
  }

  async list(ownerId: string | undefined, page: PageRequest): Promise<Schedule[]> {
    const where = ownerId === undefined ? [] : ['owner_id = @ownerId'];
    const { sql, params } = newestFirstPage('schedules', where, page);
    return this.sqlite
      .statement<[Record<string, unknown>], ScheduleRow>(sql)
      .all({ ...params, ownerId })
      .map(toSchedule);
  }

  async listAll(): Promise<Schedule[]> {
    return this.sqlite.statement<[], ScheduleRow>('SELECT * FROM schedules').all().map(toSchedule);
  }

  async countByOwner(ownerId: string): Promise<number> {
    return (
      this.sqlite
        .statement<[string], { n: number }>(
          'SELECT count(*) AS n FROM schedules WHERE owner_id = ?',
        )
        .get(ownerId)?.n ?? 0
    );
  }

  async update(id: string, patch: SchedulePatch): Promise<Schedule | null> {
    const { sets, params } = patchAssignments(patch, PATCH_COLUMNS);
    const row = this.sqlite
      .statement<[Record<string, unknown>], ScheduleRow>(
        `UPDATE schedules SET ${sets.join(', ')} WHERE id = @id RETURNING *`,
      )
      .get({ ...params, id });
    return row ? toSchedule(row) : null;
  }

  async recordFailure(id: string, updatedAt: string): Promise<Schedule | null> {
    const row = this.sqlite
      .statement<[string, string], ScheduleRow>(
        `UPDATE schedules SET consecutive_failures = consecutive_failures + 1, updated_at = ?
          WHERE id = ? RETURNING *`,
      )
      .get(updatedAt, id);
    return row ? toSchedule(row) : null;
  }

  async delete(id: string): Promise<boolean> {
    return (
      this.sqlite.statement<[string]>('DELETE FROM schedules WHERE id = ?').run(id).changes > 0
    );
  }
}
