/** The schedules port: what every adapter of `SchedulesRepository` must do. */
import { describe, expect, it } from '@jest/globals';

import { newId } from '../../../src/common/ids.js';
import type { SchedulesRepository } from '../../../src/storage/records/schedules.repository.js';
import { at, makeSchedule } from '../../fixtures/records.js';
import { freshStoreEachTest, type OpenRecordStore } from './record-store.js';

export function describeSchedulesContract(open: OpenRecordStore): void {
  describe('schedules', () => {
    let schedules: SchedulesRepository;
    freshStoreEachTest(open, (fixture) => ({ schedules } = fixture));

    it('create + findById round-trips every field; a second create with the same id keeps the first', async () => {
      const schedule = makeSchedule({
        lastRunAt: at(-60),
        pausedReason: 'x',
        consecutiveFailures: 2,
      });
      await expect(schedules.create(schedule)).resolves.toEqual({ schedule, created: true });
      await expect(schedules.findById(schedule.id)).resolves.toEqual(schedule);
      const again = await schedules.create({ ...schedule, name: 'other' });
      expect(again).toEqual({ schedule, created: false });
      await expect(schedules.findById(newId())).resolves.toBeNull();
    });

    it('lists newest first by owner (or all), pages by keyset, and counts by owner', async () => {
      const owner = newId();
      const mine = [1, 2, 3, 4, 5].map((i) => makeSchedule({ ownerId: owner, createdAt: at(i) }));
      const other = makeSchedule({ createdAt: at(10) });
      for (const s of [...mine, other]) await schedules.create(s);
      const first = await schedules.list(owner, { limit: 2 });
      expect(first.map((s) => s.id)).toEqual([mine[4].id, mine[3].id]);
      const after = { createdAt: first[1].createdAt, id: first[1].id };
      const rest = await schedules.list(owner, { limit: 10, after });
      expect(rest.map((s) => s.id)).toEqual([mine[2].id, mine[1].id, mine[0].id]);
      const all = await schedules.list(undefined, { limit: 10 });
      expect(all.map((s) => s.id)).toEqual([other.id, ...[...mine].reverse().map((s) => s.id)]);
      await expect(schedules.countByOwner(owner)).resolves.toBe(5);
      await expect(schedules.countByOwner(newId())).resolves.toBe(0);
      expect((await schedules.listAll()).map((s) => s.id).sort()).toEqual(
        [...mine, other].map((s) => s.id).sort(),
      );
    });

    it('update applies the given fields only; recordFailure counts atomically; delete removes', async () => {
      const schedule = makeSchedule();
      await schedules.create(schedule);
      const template = { ...schedule.template, n: 2, tags: [] };
      const updated = await schedules.update(schedule.id, {
        enabled: false,
        pausedReason: 'paused after 5 failed runs',
        template,
        nextRunAt: null,
        updatedAt: at(5),
      });
      expect(updated).toEqual({
        ...schedule,
        enabled: false,
        pausedReason: 'paused after 5 failed runs',
        template,
        nextRunAt: null,
        updatedAt: at(5),
      });
      await expect(schedules.update(newId(), { name: 'x', updatedAt: at(6) })).resolves.toBeNull();

      await Promise.all([1, 2, 3].map(() => schedules.recordFailure(schedule.id, at(7))));
      expect((await schedules.findById(schedule.id))?.consecutiveFailures).toBe(3);
      const reset = await schedules.update(schedule.id, {
        consecutiveFailures: 0,
        lastRunAt: at(8),
        updatedAt: at(8),
      });
      expect(reset).toMatchObject({ consecutiveFailures: 0, lastRunAt: at(8) });

      await expect(schedules.delete(schedule.id)).resolves.toBe(true);
      await expect(schedules.delete(schedule.id)).resolves.toBe(false);
      await expect(schedules.findById(schedule.id)).resolves.toBeNull();
    });
  });
}
