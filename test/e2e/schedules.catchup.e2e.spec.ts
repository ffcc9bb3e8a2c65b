import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId } from '../../src/common/ids.js';
import { ScheduleRunner } from '../../src/scheduling/schedule.runner.js';
import { JobsRepository } from '../../src/storage/records/jobs.repository.js';
import type { Schedule } from '../../src/domain/records.js';
import { SchedulesRepository } from '../../src/storage/records/schedules.repository.js';
import { register, startApp, type TestApp } from '../support/app.js';

/**
 * Downtime, with a controlled clock: the runner reconciles as if it woke up at a chosen instant
 * after days without any replica. Schedules fire daily, so no real timer interferes.
 */
describe.each([
  ['latest', 1],
  ['none', 0],
])('e2e: catch-up policy %s', (policy, expectedRuns) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ SCHEDULE_CATCH_UP: policy, SCHEDULE_RECONCILE_MS: '3600000' });
  });
  afterAll(() => t.close());

  it(`after three missed days runs ${expectedRuns === 1 ? 'the most recent slot once, never a backlog' : 'nothing'}`, async () => {
    const user = await register(t.http);
    const schedules = t.app.get(SchedulesRepository);
    const jobs = t.app.get(JobsRepository);
    const runner = t.app.get(ScheduleRunner);
    const schedule: Schedule = {
      id: newId(),
      ownerId: user.id,
      name: 'daily at nine, Paris',
      cron: '0 9 * * *',
      timezone: 'Europe/Paris',
      enabled: true,
      template: {
        strategy: 'random',
        theme: null,
        prompt: null,
        negativePrompt: null,
        provider: 'offline',
        model: 'poster-v1',
        size: '256x256',
        n: 1,
        visibility: 'public',
        tags: [],
        quality: null,
        style: null,
      },
      pausedReason: null,
      consecutiveFailures: 0,
      lastRunAt: '2026-01-12T08:00:00.000Z',
      nextRunAt: '2026-01-13T08:00:00.000Z',
      system: false,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    await schedules.create(schedule);

    // Back on 2026-01-15 at 12:00 Paris: the 13th, 14th and 15th were missed.
    const wake = new Date('2026-01-15T11:00:00.000Z');
    await runner.reconcile(wake);
    await runner.reconcile(new Date(wake.getTime() + 60_000)); // a second reconcile adds nothing

    const runs = await jobs.list({ scheduleId: schedule.id }, { limit: 10 });
    expect(runs.map((run) => run.slot)).toEqual(expectedRuns ? ['2026-01-15T08:00:00.000Z'] : []);
    if (expectedRuns) {
      expect(await schedules.findById(schedule.id)).toMatchObject({
        lastRunAt: '2026-01-15T08:00:00.000Z',
      });
    }
  });
});
