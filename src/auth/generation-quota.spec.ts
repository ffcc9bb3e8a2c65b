/**
 * GenerationQuota on the in-memory fakes: who may queue how much, what is given back, and the
 * in-flight cap held when another replica queues at the same moment.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';

import { makeJob, makeUser } from '../../test/fixtures/records.js';
import type { Fakes } from '../../test/support/fakes/index.js';
import { compileWithFakes } from '../../test/support/fakes/testing-module.js';
import { ForbiddenError, QuotaExceededError, ValidationError } from '../common/errors.js';
import { SYSTEM_USER_ID, type GenerationJob } from '../domain/records.js';
import { GenerationQuota, utcDay, type QueueSteps } from './generation-quota.js';

describe('GenerationQuota', () => {
  let moduleRef: TestingModule;
  let fakes: Fakes;
  let quota: GenerationQuota;
  const today = () => utcDay(new Date());

  beforeEach(async () => {
    ({ moduleRef, fakes } = await compileWithFakes([], {
      DAILY_IMAGE_QUOTA: '4',
      GENERATION_MAX_ACTIVE_PER_USER: '2',
    }));
    quota = moduleRef.get(GenerationQuota);
  });

  afterEach(async () => {
    await moduleRef.close();
  });

  /** Steps that queue `job` in the jobs fake, as the generations service does. */
  const queueing = (job: GenerationJob): QueueSteps => ({
    enqueue: () => fakes.jobs.create(job),
    withdraw: (queued) =>
      fakes.jobs.transition({
        id: queued.id,
        from: 'queued',
        patch: { status: 'canceled' },
        now: new Date().toISOString(),
      }),
  });

  const withImages = (ownerId: string, n: number) =>
    makeJob({ ownerId, request: { ...makeJob().request, n } });

  it('takes the images of each job queued until the day’s quota is used', async () => {
    const user = await fakes.users.create(makeUser());

    await quota.admit({ ownerId: user.id, images: 3 }, queueing(withImages(user.id, 3)));
    await fakes.jobs.create(makeJob()); // someone else's
    const refused = await quota
      .admit({ ownerId: user.id, images: 2 }, queueing(withImages(user.id, 2)))
      .catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(QuotaExceededError);
    expect((refused as QuotaExceededError).retryAfterSeconds).toBeGreaterThan(0);
    expect((refused as QuotaExceededError).retryAfterSeconds).toBeLessThanOrEqual(86_400);
    await expect(quota.status(user)).resolves.toMatchObject({ limit: 4, used: 3, remaining: 1 });
  });

  it('refuses more images than the whole quota as a bad request', async () => {
    const user = await fakes.users.create(makeUser());

    await expect(
      quota.admit({ ownerId: user.id, images: 5 }, queueing(withImages(user.id, 5))),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('exempts admins, found by their account when the caller does not say (schedules)', async () => {
    const admin = await fakes.users.create(makeUser({ role: 'admin' }));

    for (let i = 0; i < 2; i++) {
      const job = withImages(admin.id, 4);
      await quota.admit({ ownerId: admin.id, images: 4 }, queueing(job));
      await fakes.jobs.transition({
        id: job.id,
        from: 'queued',
        patch: { status: 'succeeded' },
        now: job.createdAt,
      });
    }

    await expect(quota.status(admin)).resolves.toMatchObject({ limit: null, used: 8 });
  });

  it('refuses the jobs of a disabled account’s schedules', async () => {
    const user = await fakes.users.create(makeUser({ disabled: true }));

    await expect(
      quota.admit({ ownerId: user.id, images: 1 }, queueing(withImages(user.id, 1))),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(fakes.jobs.countActive(user.id)).resolves.toBe(0);
  });

  it('exempts the built-in schedule’s account', async () => {
    for (let i = 0; i < 2; i++) {
      const job = withImages(SYSTEM_USER_ID, 4);
      await quota.admit({ ownerId: SYSTEM_USER_ID, images: 4 }, queueing(job));
      await fakes.jobs.transition({
        id: job.id,
        from: 'queued',
        patch: { status: 'succeeded' },
        now: job.createdAt,
      });
    }

    await expect(fakes.quota.used(SYSTEM_USER_ID, today())).resolves.toBe(8);
  });

  it('gives the images back when the job was not queued after all', async () => {
    const user = await fakes.users.create(makeUser());
    const first = withImages(user.id, 2);
    await quota.admit({ ownerId: user.id, images: 2 }, queueing(first));

    // A replay of the first job (same idempotency key): nothing new was queued.
    await expect(
      quota.admit(
        { ownerId: user.id, images: 2 },
        { ...queueing(first), enqueue: async () => ({ job: first, created: false }) },
      ),
    ).resolves.toEqual({ job: first, created: false });
    // The store failed.
    await expect(
      quota.admit(
        { ownerId: user.id, images: 2 },
        { ...queueing(first), enqueue: () => Promise.reject(new Error('disk full')) },
      ),
    ).rejects.toThrow('disk full');

    await expect(fakes.quota.used(user.id, today())).resolves.toBe(2);
  });

  it('gives the images of a job canceled before it ran back, to the day it was queued', async () => {
    const user = await fakes.users.create(makeUser());
    const job = withImages(user.id, 3);
    await quota.admit({ ownerId: user.id, images: 3 }, queueing(job));

    await quota.release({ ...job, createdAt: new Date().toISOString() });

    await expect(fakes.quota.used(user.id, today())).resolves.toBe(0);
  });

  it('refuses a job over the in-flight cap with a short Retry-After, taking nothing', async () => {
    const user = await fakes.users.create(makeUser());
    for (let i = 0; i < 2; i++) await fakes.jobs.create(withImages(user.id, 1));

    const refused = await quota
      .admit({ ownerId: user.id, images: 1 }, queueing(withImages(user.id, 1)))
      .catch((error: unknown) => error);

    expect((refused as QuotaExceededError).retryAfterSeconds).toBe(5);
    await expect(fakes.quota.used(user.id, today())).resolves.toBe(0);
  });

  it('admits exactly the cap of many concurrent jobs of one owner', async () => {
    const user = await fakes.users.create(makeUser());

    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        quota.admit({ ownerId: user.id, images: 1 }, queueing(withImages(user.id, 1))),
      ),
    );

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
    await expect(fakes.jobs.countActive(user.id)).resolves.toBe(2);
    await expect(fakes.quota.used(user.id, today())).resolves.toBe(2);
  });

  it('withdraws its job when another replica queued one meanwhile and the cap is crossed', async () => {
    const user = await fakes.users.create(makeUser());
    await fakes.jobs.create(withImages(user.id, 1));
    const mine = withImages(user.id, 1);

    const refused = await quota
      .admit(
        { ownerId: user.id, images: 1 },
        {
          ...queueing(mine),
          // Another replica's job lands between this one's check and its insert.
          enqueue: async () => {
            await fakes.jobs.create(withImages(user.id, 1));
            return fakes.jobs.create(mine);
          },
        },
      )
      .catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(QuotaExceededError);
    await expect(fakes.jobs.findById(mine.id)).resolves.toMatchObject({ status: 'canceled' });
    await expect(fakes.quota.used(user.id, today())).resolves.toBe(0);
  });
});
