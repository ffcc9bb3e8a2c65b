import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../common/errors.js';
import { isValidTimezone } from '../common/timezone.js';
import { assertMinInterval, latestFireTime, nextFireTimes, parseCron } from './cron-schedule.js';

const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.errors[0]?.field;
    throw error;
  }
  return undefined;
};

describe('cron schedules', () => {
  it('accepts 5- and 6-field expressions and names the field at fault otherwise', () => {
    expect(fieldOf(() => parseCron('0 9 * * 1-5', 'Europe/Paris'))).toBeUndefined();
    expect(fieldOf(() => parseCron('*/10 * * * * *', 'UTC'))).toBeUndefined();
    expect(fieldOf(() => parseCron('61 * * * *', 'UTC'))).toBe('cron');
    expect(fieldOf(() => parseCron('every day', 'UTC'))).toBe('cron');
    expect(fieldOf(() => parseCron('* * * *', 'UTC'))).toBe('cron');
    expect(fieldOf(() => parseCron('* * * * * * *', 'UTC'))).toBe('cron');
    expect(fieldOf(() => parseCron('0 9 * * *', 'Mars/Olympus'))).toBe('timezone');
    expect(isValidTimezone('America/New_York')).toBe(true);
    expect(isValidTimezone('Nowhere/City')).toBe(false);
  });

  it("computes the next fire times in the schedule's time zone", () => {
    const from = new Date('2026-01-15T10:00:00.000Z');
    expect(nextFireTimes('0 9 * * *', 'Europe/Paris', from, 2)).toEqual([
      '2026-01-16T08:00:00.000Z',
      '2026-01-17T08:00:00.000Z',
    ]);
    expect(nextFireTimes('0 9 * * *', 'America/New_York', from, 1)).toEqual([
      '2026-01-15T14:00:00.000Z',
    ]);
    expect(nextFireTimes('*/15 * * * *', 'UTC', from, 3)).toEqual([
      '2026-01-15T10:15:00.000Z',
      '2026-01-15T10:30:00.000Z',
      '2026-01-15T10:45:00.000Z',
    ]);
  });

  it('keeps wall-clock times across DST changes', () => {
    // Europe/Paris: UTC+1 in winter, UTC+2 from 2026-03-29 01:00 UTC to 2026-10-25 01:00 UTC.
    const spring = nextFireTimes('0 9 * * *', 'Europe/Paris', new Date('2026-03-28T00:00:00Z'), 2);
    expect(spring).toEqual(['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z']);
    const autumn = nextFireTimes('0 9 * * *', 'Europe/Paris', new Date('2026-10-24T00:00:00Z'), 2);
    expect(autumn).toEqual(['2026-10-24T07:00:00.000Z', '2026-10-25T08:00:00.000Z']);
  });

  it('fires a time that does not exist (spring forward) once, right after the gap', () => {
    const times = nextFireTimes('30 2 * * *', 'Europe/Paris', new Date('2026-03-28T12:00:00Z'), 2);
    expect(times).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('fires a time that happens twice (fall back) once', () => {
    const times = nextFireTimes('30 2 * * *', 'Europe/Paris', new Date('2026-10-24T12:00:00Z'), 2);
    expect(times).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('refuses schedules more frequent than the minimum interval, including irregular ones', () => {
    expect(fieldOf(() => assertMinInterval('* * * * *', 'UTC', 60))).toBeUndefined();
    expect(fieldOf(() => assertMinInterval('*/30 * * * * *', 'UTC', 60))).toBe('cron');
    // Hourly, plus once at 10:01: the smallest gap (one minute) is what counts.
    expect(fieldOf(() => assertMinInterval('0,1 10 * * *', 'UTC', 120))).toBe('cron');
    expect(fieldOf(() => assertMinInterval('0 * * * *', 'UTC', 3600))).toBeUndefined();
  });

  it('accepts rare but real expressions and refuses ones that never fire, naming cron', () => {
    const from = new Date('2026-11-30T00:00:00Z');
    for (const cron of ['0 0 1 1 *', '0 12 25 12 *', '0 0 29 2 *']) {
      expect(() => assertMinInterval(cron, 'UTC', 60, from)).not.toThrow();
      expect(nextFireTimes(cron, 'UTC', from, 5).length).toBeGreaterThan(0);
    }
    expect(nextFireTimes('0 0 29 2 *', 'UTC', from, 5)[0]).toBe('2028-02-29T00:00:00.000Z');
    expect(fieldOf(() => assertMinInterval('0 0 31 2 *', 'UTC', 60, from))).toBe('cron');
    expect(fieldOf(() => nextFireTimes('0 0 30 2 *', 'UTC', from, 5))).toBe('cron');
  });

  it('names the slot of a tick however late it runs, and finds the latest missed slot', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    expect(
      latestFireTime('*/5 * * * *', 'UTC', new Date('2026-01-15T10:05:00.000Z'), created),
    ).toBe('2026-01-15T10:05:00.000Z');
    expect(
      latestFireTime('*/5 * * * *', 'UTC', new Date('2026-01-15T10:07:42.123Z'), created),
    ).toBe('2026-01-15T10:05:00.000Z');
    // A daily schedule, down for three days: the most recent missed slot only.
    expect(
      latestFireTime(
        '0 9 * * *',
        'UTC',
        new Date('2026-01-15T12:00:00Z'),
        new Date('2026-01-12T09:00:00Z'),
      ),
    ).toBe('2026-01-15T09:00:00.000Z');
    // Nothing between `notBefore` and now.
    expect(
      latestFireTime(
        '0 9 * * *',
        'UTC',
        new Date('2026-01-15T08:00:00Z'),
        new Date('2026-01-15T07:00:00Z'),
      ),
    ).toBeNull();
    // A yearly schedule still finds last year's slot.
    expect(latestFireTime('0 0 1 1 *', 'UTC', new Date('2026-06-01T00:00:00Z'), created)).toBe(
      '2026-01-01T00:00:00.000Z',
    );
  });
});
