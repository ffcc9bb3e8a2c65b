import { CronTime, validateCronExpression } from 'cron';
import { ValidationError } from '../common/errors.js';
import { isValidTimezone } from '../common/timezone.js';

/**
 * Cron arithmetic in one place, on the `cron` package (what @nestjs/schedule runs): validation,
 * fire times, the minimum interval and the slot a tick belongs to.
 *
 * Daylight-saving time, as the `cron` package resolves it (and these functions inherit): a time
 * that does not exist on the spring-forward day (02:30 in Europe/Paris on the last Sunday of March)
 * fires once at the first instant after the gap (03:00); a time that happens twice on the
 * fall-back day fires once, at its first occurrence.
 */

/** Parses `cron` in `timezone`, or throws a ValidationError naming the field at fault. */
export function parseCron(cron: string, timezone: string): CronTime {
  if (!isValidTimezone(timezone)) {
    throw ValidationError.field(
      'timezone',
      `"${timezone}" is not an IANA time zone (e.g. Europe/Paris)`,
    );
  }
  const fields = cron.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6) {
    throw ValidationError.field(
      'cron',
      'must have 5 fields (minute hour day month weekday), or 6 with seconds first',
    );
  }
  const { valid, error } = validateCronExpression(cron);
  if (!valid)
    throw ValidationError.field(
      'cron',
      `is not a valid cron expression: ${error?.message ?? 'unknown error'}`,
    );
  return new CronTime(cron, timezone);
}

/**
 * The `cron` package takes milliseconds per fire time, so lists are kept per expression and zone.
 * A list computed from instant F stays exact for any later instant before its first fire time.
 */
const upcoming = new Map<string, { from: number; times: string[] }>();

/** The next `count` fire times strictly after `from`, as ISO strings (UTC). */
export function nextFireTimes(cron: string, timezone: string, from: Date, count: number): string[] {
  const key = `${cron}|${timezone}|${count}`;
  const at = from.getTime();
  const cached = upcoming.get(key);
  if (cached && cached.from <= at && at < Date.parse(cached.times[0])) return cached.times;
  const times = computeFireTimes(cron, timezone, from, count);
  if (upcoming.size >= 1000) upcoming.clear();
  upcoming.set(key, { from: at, times });
  return times;
}

/**
 * Up to `count` fire times after `from`. The `cron` package looks only so far ahead (8 years), so a
 * rare expression (`0 0 29 2 *`, yearly ones) gives fewer; one that matches no date at all
 * (`0 0 31 2 *`) is refused, naming `cron`.
 */
function computeFireTimes(cron: string, timezone: string, from: Date, count: number): string[] {
  const time = parseCron(cron, timezone);
  const times: string[] = [];
  let cursor = from;
  for (let i = 0; i < count; i++) {
    let next: Date;
    try {
      next = time.getNextDateFrom(cursor, timezone).toJSDate();
    } catch (error) {
      if (!(error instanceof Error) || !/no execution date/i.test(error.message)) throw error;
      break;
    }
    times.push(next.toISOString());
    cursor = next;
  }
  if (times.length === 0) {
    throw ValidationError.field(
      'cron',
      'never fires: no date matches it in the next 8 years (e.g. 31 February)',
    );
  }
  return times;
}

/**
 * Refuses schedules that fire more often than every `minSeconds`: the smallest gap among the
 * next fire times (enough of them to see a day's pattern) must be at least that.
 */
export function assertMinInterval(
  cron: string,
  timezone: string,
  minSeconds: number,
  from = new Date(),
): void {
  const times = computeFireTimes(cron, timezone, from, 24).map((t) => Date.parse(t));
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  // A rare expression may show a single fire time in the package's horizon: no gap to check.
  const smallest = gaps.length > 0 ? Math.min(...gaps) : Infinity;
  if (smallest < minSeconds * 1000) {
    throw ValidationError.field(
      'cron',
      `fires every ${smallest / 1000} s; the minimum interval is ${minSeconds} s (SCHEDULE_MIN_INTERVAL_SECONDS)`,
    );
  }
}

/**
 * The latest fire time at or before `at`, or null when there is none after `notBefore`. This is a
 * tick's slot: every replica computes the same one, however late its timer fired.
 */
export function latestFireTime(
  cron: string,
  timezone: string,
  at: Date,
  notBefore: Date,
): string | null {
  const time = parseCron(cron, timezone);
  // Start just behind `at` and widen: a tick finds its slot in the first window, whatever the cron.
  let lookbackMs = 2_000;
  for (;;) {
    const start = new Date(Math.max(at.getTime() - lookbackMs, notBefore.getTime() - 1));
    let latest: Date | null = null;
    let cursor = start;
    for (let i = 0; i < 100_000; i++) {
      const next = time.getNextDateFrom(cursor, timezone).toJSDate();
      if (next.getTime() > at.getTime()) break;
      latest = next;
      cursor = next;
    }
    if (latest || start.getTime() <= notBefore.getTime()) return latest?.toISOString() ?? null;
    lookbackMs *= 30;
  }
}
