import type { PageRequest } from '../../common/cursor.js';
import type { Schedule, ScheduleTemplate } from '../../domain/records.js';

/** Fields an update may change; `updatedAt` is always set by the caller. */
export interface SchedulePatch {
  readonly name?: string;
  readonly cron?: string;
  readonly timezone?: string;
  readonly enabled?: boolean;
  readonly template?: ScheduleTemplate;
  readonly pausedReason?: string | null;
  readonly consecutiveFailures?: number;
  readonly lastRunAt?: string | null;
  readonly nextRunAt?: string | null;
  readonly updatedAt: string;
}

export abstract class SchedulesRepository {
  /** Inserts, or with the same id replaces nothing and returns the stored one (system schedule). */
  abstract create(schedule: Schedule): Promise<{ schedule: Schedule; created: boolean }>;
  abstract findById(id: string): Promise<Schedule | null>;
  /** Newest first, keyset after `page.after`; every owner's when `ownerId` is undefined. */
  abstract list(ownerId: string | undefined, page: PageRequest): Promise<Schedule[]>;
  /** Every schedule (for registering cron jobs); small enough to read whole. */
  abstract listAll(): Promise<Schedule[]>;
  abstract countByOwner(ownerId: string): Promise<number>;
  abstract update(id: string, patch: SchedulePatch): Promise<Schedule | null>;
  /** Adds one to `consecutiveFailures` atomically and returns the schedule. */
  abstract recordFailure(id: string, updatedAt: string): Promise<Schedule | null>;
  abstract delete(id: string): Promise<boolean>;
}
