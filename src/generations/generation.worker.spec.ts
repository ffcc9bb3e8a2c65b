/**
 * GenerationWorker's upkeep on the in-memory fakes: a store that fails the stale-job recovery at
 * boot is logged and asked again at the next poll, not a failed start.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';

import { makeJob } from '../../test/fixtures/records.js';
import type { Fakes } from '../../test/support/fakes/index.js';
import { compileWithFakes } from '../../test/support/fakes/testing-module.js';
import { waitFor } from '../../test/support/wait.js';
import { GenerationWorker } from './generation.worker.js';
import { GenerationsModule } from './generations.module.js';

describe('GenerationWorker', () => {
  let moduleRef: TestingModule;
  let fakes: Fakes;

  afterEach(async () => {
    await moduleRef.close();
  });

  it('starts when recovering stale jobs fails at boot, and recovers them at the next poll', async () => {
    ({ moduleRef, fakes } = await compileWithFakes([GenerationsModule], {
      GENERATION_POLL_MS: '50',
      GENERATION_STALE_AFTER_MS: '1000',
    }));
    const { job: stale } = await fakes.jobs.create(
      makeJob({
        status: 'running',
        workerId: 'a-replica-that-died',
        heartbeatAt: new Date(Date.now() - 60_000).toISOString(),
        attempts: 1,
      }),
    );
    // The store is down for the boot's recovery (a timeout, say), then back.
    const listStale = jest
      .spyOn(fakes.jobs, 'listStale')
      .mockRejectedValueOnce(new Error('store read timed out'));
    const worker = moduleRef.get(GenerationWorker);

    await expect(worker.onApplicationBootstrap()).resolves.toBeUndefined();
    expect(listStale).toHaveBeenCalledTimes(1);
    expect((await fakes.jobs.findById(stale.id))?.status).toBe('running');

    const requeued = await waitFor(async () => {
      const job = await fakes.jobs.findById(stale.id);
      return job?.status === 'queued' ? job : undefined;
    }, 'the next poll to requeue the stale job');
    expect(requeued.workerId).toBeNull();
    expect(listStale.mock.calls.length).toBeGreaterThan(1);
  });
});
