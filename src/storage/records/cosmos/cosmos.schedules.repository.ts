import type { PageRequest } from '../../../common/cursor.js';
import type { Schedule } from '../../../domain/records.js';
import { SCHEDULE_FIELDS } from '../record-fields.js';
import { SchedulesRepository, type SchedulePatch } from '../schedules.repository.js';
import {
  AFTER,
  type CosmosDatabase,
  NOT_FOUND,
  orderNewestFirst,
  sql,
  unless,
} from './cosmos.database.js';
import { CosmosItems, type Versioned } from './cosmos.items.js';

type ScheduleDoc = Versioned<Schedule>;

/** Schedules in `schedules` (pk /id). */
export class CosmosSchedulesRepository extends SchedulesRepository {
  private readonly items: CosmosItems<Schedule>;

  constructor(private readonly cosmos: CosmosDatabase) {
    super();
    this.items = new CosmosItems(cosmos, cosmos.schedules, SCHEDULE_FIELDS);
  }

  async create(schedule: Schedule): Promise<{ schedule: Schedule; created: boolean }> {
    if (await this.items.createUnlessExists(schedule)) return { schedule, created: true };
    return { schedule: (await this.findById(schedule.id)) ?? schedule, created: false };
  }

  async findById(id: string): Promise<Schedule | null> {
    return this.items.find(id);
  }

  async list(ownerId: string | undefined, page: PageRequest): Promise<Schedule[]> {
    const where: string[] = [];
    if (ownerId !== undefined) where.push('c.ownerId = @ownerId');
    if (page.after) where.push(AFTER);
    return this.items.query(
      sql(
        `SELECT TOP @limit * FROM c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ${orderNewestFirst(ownerId === undefined ? undefined : 'ownerId')}`,
        {
          limit: page.limit,
          ownerId,
          afterCreatedAt: page.after?.createdAt,
          afterId: page.after?.id,
        },
      ),
      { maxItemCount: page.limit },
    );
  }

  async listAll(): Promise<Schedule[]> {
    return this.items.query(sql('SELECT * FROM c', {}));
  }

  async countByOwner(ownerId: string): Promise<number> {
    const [count] = await this.cosmos.queryAll<number>(
      this.cosmos.schedules,
      sql('SELECT VALUE COUNT(1) FROM c WHERE c.ownerId = @ownerId', { ownerId }),
    );
    return count ?? 0;
  }

  /** Read, then replace with If-Match on that version; a 412 reads again. */
  async update(id: string, patch: SchedulePatch): Promise<Schedule | null> {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    return this.items.update(id, (schedule) => ({ ...schedule, ...defined }));
  }

  /** A server-side increment (patch `incr`): concurrent failures all count, in one request. */
  async recordFailure(id: string, updatedAt: string): Promise<Schedule | null> {
    return unless(
      [NOT_FOUND],
      async () => {
        const { resource } = await this.cosmos.schedules.item(id, id).patch<ScheduleDoc>([
          { op: 'incr', path: '/consecutiveFailures', value: 1 },
          { op: 'set', path: '/updatedAt', value: updatedAt },
        ]);
        return resource ? this.items.record(resource) : null;
      },
      () => null,
    );
  }

  async delete(id: string): Promise<boolean> {
    return this.items.delete(id);
  }
}
