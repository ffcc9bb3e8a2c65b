import type { PageRequest } from '../../../common/cursor.js';
import type { Schedule } from '../../../domain/records.js';
import { SchedulesRepository, type SchedulePatch } from '../schedules.repository.js';
import {
  AFTER,
  CONFLICT,
  type CosmosDatabase,
  ifMatch,
  NOT_FOUND,
  orderNewestFirst,
  PRECONDITION_FAILED,
  queryAll,
  sql,
  unless,
} from './cosmos.database.js';

type ScheduleDoc = Schedule & { readonly _etag?: string };

const toSchedule = (doc: Schedule): Schedule => ({
  id: doc.id,
  ownerId: doc.ownerId,
  name: doc.name,
  cron: doc.cron,
  timezone: doc.timezone,
  enabled: doc.enabled,
  template: doc.template,
  pausedReason: doc.pausedReason,
  consecutiveFailures: doc.consecutiveFailures,
  lastRunAt: doc.lastRunAt,
  nextRunAt: doc.nextRunAt,
  system: doc.system,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
});

/** Schedules in `schedules` (pk /id). */
export class CosmosSchedulesRepository extends SchedulesRepository {
  constructor(private readonly cosmos: CosmosDatabase) {
    super();
  }

  async create(schedule: Schedule): Promise<{ schedule: Schedule; created: boolean }> {
    return unless<{ schedule: Schedule; created: boolean }>(
      [CONFLICT],
      async () => {
        await this.cosmos.schedules.items.create({ ...toSchedule(schedule) });
        return { schedule, created: true };
      },
      async () => ({ schedule: (await this.findById(schedule.id)) ?? schedule, created: false }),
    );
  }

  async findById(id: string): Promise<Schedule | null> {
    const { resource } = await this.cosmos.schedules.item(id, id).read<ScheduleDoc>();
    return resource ? toSchedule(resource) : null;
  }

  async list(ownerId: string | undefined, page: PageRequest): Promise<Schedule[]> {
    const where: string[] = [];
    if (ownerId !== undefined) where.push('c.ownerId = @ownerId');
    if (page.after) where.push(AFTER);
    const docs = await queryAll<ScheduleDoc>(
      this.cosmos.schedules,
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
    return docs.map(toSchedule);
  }

  async listAll(): Promise<Schedule[]> {
    const docs = await queryAll<ScheduleDoc>(this.cosmos.schedules, sql('SELECT * FROM c', {}));
    return docs.map(toSchedule);
  }

  async countByOwner(ownerId: string): Promise<number> {
    const [count] = await queryAll<number>(
      this.cosmos.schedules,
      sql('SELECT VALUE COUNT(1) FROM c WHERE c.ownerId = @ownerId', { ownerId }),
    );
    return count ?? 0;
  }

  /** Read, then replace with If-Match on that version; a 412 reads again. */
  async update(id: string, patch: SchedulePatch): Promise<Schedule | null> {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    for (;;) {
      const { resource: doc } = await this.cosmos.schedules.item(id, id).read<ScheduleDoc>();
      if (!doc) return null;
      const next: Schedule = { ...toSchedule(doc), ...defined };
      const outcome = await unless(
        [PRECONDITION_FAILED, NOT_FOUND],
        async () => {
          await this.cosmos.schedules.item(id, id).replace({ ...next }, ifMatch(doc._etag));
          return 'replaced' as const;
        },
        () => 'retry' as const,
      );
      if (outcome === 'replaced') return next;
      // Changed or deleted meanwhile: the next read tells which.
    }
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
        return resource ? toSchedule(resource) : null;
      },
      () => null,
    );
  }

  async delete(id: string): Promise<boolean> {
    return unless(
      [NOT_FOUND],
      async () => {
        await this.cosmos.schedules.item(id, id).delete();
        return true;
      },
      () => false,
    );
  }
}
