import { describe, expect, it } from '@jest/globals';
import type { Logger } from '@nestjs/common';
import { PeriodicTask } from './periodic-task.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A logger that keeps what it was told to log as errors. */
function recordingLogger(): { logger: Logger; errors: unknown[][] } {
  const errors: unknown[][] = [];
  return {
    logger: { error: (...args: unknown[]) => errors.push(args) } as unknown as Logger,
    errors,
  };
}

describe('PeriodicTask', () => {
  it('coalesces calls while a run is in flight, and runs again after it', async () => {
    let runs = 0;
    let release!: () => void;
    const task = new PeriodicTask(
      () => {
        runs++;
        return new Promise<number>((resolve) => (release = () => resolve(runs)));
      },
      recordingLogger().logger,
      'failed',
    );

    const first = task.run();
    const joined = task.run();
    release();
    await expect(Promise.all([first, joined])).resolves.toEqual([1, 1]);
    const again = task.run();
    release();
    await expect(again).resolves.toBe(2);
  });

  it('runs every interval, logs a failed run and goes on; stop ends it and waits for the run', async () => {
    const { logger, errors } = recordingLogger();
    let runs = 0;
    const task = new PeriodicTask(
      async () => {
        runs++;
        if (runs === 1) throw new Error('store down');
        await sleep(30);
      },
      logger,
      'periodic run failed',
    );

    task.every(10);
    await sleep(120);
    const stopped = task.stop();
    await stopped;
    const after = runs;
    await sleep(50);

    expect(after).toBeGreaterThanOrEqual(2);
    expect(runs).toBe(after);
    expect(errors).toEqual([[{ err: new Error('store down') }, 'periodic run failed']]);
  });

  it('runs once soon after, not at once; stop before then cancels it', async () => {
    let runs = 0;
    const task = new PeriodicTask(async () => void runs++, recordingLogger().logger, 'failed');
    task.soon();
    expect(runs).toBe(0);
    await sleep(20);
    expect(runs).toBe(1);

    const cancelled = new PeriodicTask(async () => void runs++, recordingLogger().logger, 'failed');
    cancelled.soon();
    await cancelled.stop();
    await sleep(20);
    expect(runs).toBe(1);
  });

  it('never schedules with an interval of 0', async () => {
    let runs = 0;
    const task = new PeriodicTask(async () => void runs++, recordingLogger().logger, 'failed');
    task.every(0);
    await sleep(30);
    await task.stop();
    expect(runs).toBe(0);
  });
});
