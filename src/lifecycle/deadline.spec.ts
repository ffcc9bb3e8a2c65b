import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, jest } from '@jest/globals';
import { forceGc } from '../../test/support/gc.js';
import { Deadline } from './deadline.js';

/** The signal is made in a frame of its own, so no stack slot of the test still holds it. */
function anyOf(timeout: () => AbortSignal): AbortSignal {
  return AbortSignal.any([new AbortController().signal, timeout()]);
}

describe('Deadline', () => {
  it('aborts with a TimeoutError after its time', async () => {
    const deadline = new Deadline(20);
    expect(deadline.expired).toBe(false);
    await sleep(60);
    expect(deadline.expired).toBe(true);
    expect(deadline.signal.reason).toMatchObject({ name: 'TimeoutError' });
  });

  it('still aborts an AbortSignal.any that is its only holder, across a garbage collection', async () => {
    // The case AbortSignal.timeout fails on Node 20 (nodejs/node#57736): the combined
    // signal never aborts once the timeout signal is collected.
    const combined = anyOf(() => new Deadline(100).signal);
    await sleep(20);
    forceGc();
    await sleep(200);
    expect(combined.aborted).toBe(true);
    expect(combined.reason).toMatchObject({ name: 'TimeoutError' });
  });

  it('never aborts once cleared', async () => {
    const deadline = new Deadline(20);
    deadline.clear();
    await sleep(60);
    expect(deadline.expired).toBe(false);
  });

  it('counts its time again from a restart, and stays aborted once it fired', () => {
    // On fake timers: on real ones, a loaded machine's 30 ms of delay failed the first check.
    jest.useFakeTimers();
    try {
      const deadline = new Deadline(80);
      jest.advanceTimersByTime(50);
      deadline.restart();
      jest.advanceTimersByTime(50);
      expect(deadline.expired).toBe(false);
      jest.advanceTimersByTime(30);
      expect(deadline.expired).toBe(true);
      deadline.restart();
      jest.advanceTimersByTime(100);
      expect(deadline.expired).toBe(true);
      deadline.clear();
    } finally {
      jest.useRealTimers();
    }
  });
});
