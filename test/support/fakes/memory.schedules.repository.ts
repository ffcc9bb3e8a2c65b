import type { PageRequest } from '../../../src/common/cursor.js';
import type { Schedule } from '../../../src/domain/records.js';
import {
  SchedulesRepository,
  type SchedulePatch,
} from '../../../src/storage/records/schedules.repository.js';
import { copy, pageOf } from './table.js';

export class InMemorySchedulesRepository extends SchedulesRepository {
  private readonly rows = new Map<string, Schedule>();

  async create(schedule: Schedule): Promise<{ schedule: Schedule; created: boolean }> {
    const stored = this.rows.get(schedule.id);
    if (stored) return { schedule: copy(stored), created: false };
    this.rows.set(schedule.id, copy(schedule));
    return { schedule: copy(schedule), created: true };
  }

  async findById(id: string): Promise<Schedule | null> {
    const schedule = this.rows.get(id);
    return schedule ? copy(schedule) : null;
  }

  async list(ownerId: string | undefined, page: PageRequest): Promise<Schedule[]> {
    const rows = [...this.rows.values()].filter(
      (s) => ownerId === undefined || s.ownerId === ownerId,
    );
    return pageOf(rows, page);
  }

  async listAll(): Promise<Schedule[]> {
    return [...this.rows.values()].map(copy);
  }

  async countByOwner(ownerId: string): Promise<number> {
    return [...this.rows.values()].filter((s) => s.ownerId === ownerId).length;
  }

  async update(id: string, patch: SchedulePatch): Promise<Schedule | null> {
    const current = this.rows.get(id);
    if (!current) return null;
    const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const updated: Schedule = { ...current, ...copy(given) };
    this.rows.set(id, updated);
    return copy(updated);
  }

  async recordFailure(id: string, updatedAt: string): Promise<Schedule | null> {
    const current = this.rows.get(id);
    if (!current) return null;
    const updated = {
      ...current,
      consecutiveFailures: current.consecutiveFailures + 1,
      updatedAt,
    };
    this.rows.set(id, updated);
    return copy(updated);
  }

  async delete(id: string): Promise<boolean> {
    return this.rows.delete(id);
  }
}
