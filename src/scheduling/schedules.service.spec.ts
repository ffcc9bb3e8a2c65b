/**
 * SchedulesService on the in-memory fakes, wired as the app wires it (the real generations
 * service resolves templates against the offline and OpenAI providers' capabilities): what an
 * update keeps, merges and refuses, and who sees a schedule's runs, also once it is deleted.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';

import { at, makeJob } from '../../test/fixtures/records.js';
import type { Fakes } from '../../test/support/fakes/index.js';
import { compileWithFakes } from '../../test/support/fakes/testing-module.js';
import type { AuthUser } from '../auth/auth-user.js';
import { encodeCursor } from '../common/cursor.js';
import { NotFoundError, ValidationError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import type { CreateScheduleDto, ScheduleDto, UpdateScheduleDto } from './dto/schedule.dto.js';
import { SchedulesService } from './schedules.service.js';
import { SchedulingModule } from './scheduling.module.js';

const user = (role: AuthUser['role'] = 'user'): AuthUser => ({
  id: newId(),
  email: `${role}-${newId()}@example.com`,
  role,
});

const DAILY: CreateScheduleDto = {
  name: 'foxes at seven',
  cron: '0 7 * * *',
  timezone: 'Europe/Paris',
  strategy: 'random',
  theme: 'foxes',
  provider: 'offline',
  size: '256x256',
  n: 2,
  visibility: 'private',
  tags: ['Daily', 'foxes'],
};

describe('SchedulesService', () => {
  let moduleRef: TestingModule;
  let fakes: Fakes;
  let schedules: SchedulesService;
  const owner = user();
  const stranger = user();
  const admin = user('admin');

  beforeEach(async () => {
    // A key makes the OpenAI provider available; nothing here calls it.
    ({ moduleRef, fakes } = await compileWithFakes([SchedulingModule], {
      OPENAI_API_KEY: 'sk-test',
    }));
    schedules = moduleRef.get(SchedulesService);
  });

  afterEach(async () => {
    await moduleRef.close();
  });

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: unknown) => error,
    );

  describe('update', () => {
    let created: ScheduleDto;

    beforeEach(async () => {
      created = await schedules.create(owner, DAILY);
    });

    /** The schedule's template once its owner has sent `change`. */
    const templateAfter = async (change: UpdateScheduleDto) =>
      (await schedules.update(owner, created.id, change)).template;

    it('stores the template resolved on create: defaults filled, tags normalised', async () => {
      expect(created.template).toEqual({
        strategy: 'random',
        theme: 'foxes',
        prompt: null,
        negativePrompt: null,
        provider: 'offline',
        model: 'poster-v1',
        size: '256x256',
        n: 2,
        visibility: 'private',
        tags: ['daily', 'foxes'],
        quality: null,
        style: null,
      });
    });

    it('changes the one template field it sends and keeps the rest of the stored template', async () => {
      expect(await templateAfter({ theme: 'owls' })).toEqual({
        ...created.template,
        theme: 'owls',
      });
      await expect(fakes.schedules.findById(created.id)).resolves.toMatchObject({
        template: { ...created.template, theme: 'owls' },
      });
    });

    it('makes the template literal for a new prompt, and drops the prompt for a random strategy', async () => {
      expect(await templateAfter({ prompt: 'a red fox in snow' })).toEqual({
        ...created.template,
        strategy: 'literal',
        prompt: 'a red fox in snow',
      });
      expect(await templateAfter({ strategy: 'random' })).toEqual({
        ...created.template,
        strategy: 'random',
        prompt: null,
      });
    });

    it('takes a new provider’s own default model and size, keeping what fits both', async () => {
      expect(await templateAfter({ provider: 'openai' })).toEqual({
        ...created.template,
        provider: 'openai',
        model: 'gpt-image-1',
        size: '1024x1024',
      });
    });

    it('refuses a change the stored template cannot take, naming the field, and keeps the schedule', async () => {
      await schedules.update(owner, created.id, { negativePrompt: 'blurry' });
      const before = await fakes.schedules.findById(created.id);

      const error = await failure(schedules.update(owner, created.id, { provider: 'openai' }));

      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors).toEqual([
        { field: 'negativePrompt', message: expect.any(String) },
      ]);
      await expect(fakes.schedules.findById(created.id)).resolves.toEqual(before);
    });

    it('changes only the fields a PATCH sends', async () => {
      const before = await fakes.schedules.findById(created.id);

      await schedules.update(owner, created.id, { name: 'renamed' });

      await expect(fakes.schedules.findById(created.id)).resolves.toEqual({
        ...before,
        name: 'renamed',
        nextRunAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    });

    it('refuses a cron that fires too often, and changes nothing', async () => {
      const before = await fakes.schedules.findById(created.id);

      await expect(
        schedules.update(owner, created.id, { cron: '* * * * * *', name: 'every second' }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(fakes.schedules.findById(created.id)).resolves.toEqual(before);
    });

    it('pausing clears the next run; resuming clears a pause after failures', async () => {
      const paused = await schedules.update(owner, created.id, { enabled: false });
      expect(paused).toMatchObject({ enabled: false, nextRunAt: null, nextFireTimes: [] });
      await fakes.schedules.update(created.id, {
        pausedReason: 'paused after 5 failed runs',
        consecutiveFailures: 5,
        updatedAt: at(0),
      });

      const resumed = await schedules.update(owner, created.id, { enabled: true });

      expect(resumed).toMatchObject({
        enabled: true,
        pausedReason: null,
        consecutiveFailures: 0,
        nextRunAt: expect.any(String),
        template: created.template,
      });
      expect(resumed.nextFireTimes).toHaveLength(5);
    });

    it('is a 404 for someone else’s schedule, and changes nothing', async () => {
      const before = await fakes.schedules.findById(created.id);

      await expect(
        schedules.update(stranger, created.id, { name: 'mine now' }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(fakes.schedules.findById(created.id)).resolves.toEqual(before);
      await expect(schedules.update(admin, created.id, { name: 'checked' })).resolves.toMatchObject(
        { name: 'checked' },
      );
    });
  });

  describe('runs', () => {
    const jobIds = (page: { items: { jobId: string }[] }) => page.items.map((run) => run.jobId);

    it('lists a run made now to the owner and admins only', async () => {
      const schedule = await schedules.create(owner, DAILY);

      const run = await schedules.runNow(owner, schedule.id);

      await expect(schedules.runs(owner, schedule.id, {})).resolves.toEqual({
        items: [expect.objectContaining({ jobId: run.id, status: 'queued', imageIds: [] })],
        nextCursor: null,
      });
      await expect(schedules.runs(admin, schedule.id, {}).then(jobIds)).resolves.toEqual([run.id]);
      await expect(schedules.runs(stranger, schedule.id, {})).rejects.toBeInstanceOf(NotFoundError);
    });

    it('still lists the runs of a deleted schedule to its owner and admins', async () => {
      const schedule = await schedules.create(owner, DAILY);
      const run = await schedules.runNow(owner, schedule.id);

      await schedules.delete(owner, schedule.id);

      await expect(fakes.schedules.findById(schedule.id)).resolves.toBeNull();
      await expect(schedules.runs(owner, schedule.id, {}).then(jobIds)).resolves.toEqual([run.id]);
      await expect(schedules.runs(admin, schedule.id, {}).then(jobIds)).resolves.toEqual([run.id]);
      await expect(schedules.runs(stranger, schedule.id, {})).rejects.toBeInstanceOf(NotFoundError);
      await expect(schedules.get(owner, schedule.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('pages a deleted schedule’s runs; past the last one, an empty page, not a 404', async () => {
      const scheduleId = newId();
      const runs = [1, 2, 3].map((i) =>
        makeJob({ ownerId: owner.id, scheduleId, slot: at(60 * i), createdAt: at(60 * i) }),
      );
      for (const job of runs) await fakes.jobs.create(job);

      const first = await schedules.runs(owner, scheduleId, { limit: 2 });
      const second = await schedules.runs(owner, scheduleId, {
        limit: 2,
        cursor: first.nextCursor!,
      });
      const past = await schedules.runs(owner, scheduleId, {
        cursor: encodeCursor(runs[0]),
      });

      expect(jobIds(first)).toEqual([runs[2].id, runs[1].id]);
      expect(second).toEqual({
        items: [expect.objectContaining({ jobId: runs[0].id, slot: at(60) })],
        nextCursor: null,
      });
      expect(past).toEqual({ items: [], nextCursor: null });
    });

    it('is a 404 for a schedule that never ran and does not exist', async () => {
      await expect(schedules.runs(owner, newId(), {})).rejects.toBeInstanceOf(NotFoundError);
      await expect(schedules.runs(admin, newId(), {})).rejects.toBeInstanceOf(NotFoundError);
    });
  });
});
