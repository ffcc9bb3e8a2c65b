import { Injectable } from '@nestjs/common';

/**
 * How long a run may stay unsettled past its deadline before its worker counts as stuck. Every
 * step of a run stops at the deadline, so only settling (a few record writes) remains by then.
 */
export const STUCK_AFTER_DEADLINE_MS = 30_000;

export interface OverdueRun {
  readonly jobId: string;
  /** How long past its deadline, in ms. */
  readonly overdueMs: number;
}

/**
 * The runs in flight on this replica and their deadlines, so that readiness can tell a worker
 * that stopped making progress (a run still unsettled well past its deadline) from a busy one.
 */
@Injectable()
export class RunMonitor {
  private readonly runs = new Map<symbol, { jobId: string; deadline: number }>();

  /** Starts watching a run; call the returned function once it has settled. */
  track(jobId: string, deadline: number): () => void {
    const key = Symbol(jobId);
    this.runs.set(key, { jobId, deadline });
    return () => this.runs.delete(key);
  }

  /** Runs unsettled more than `STUCK_AFTER_DEADLINE_MS` past their deadline, most overdue first. */
  stuck(now = Date.now()): OverdueRun[] {
    return [...this.runs.values()]
      .map(({ jobId, deadline }) => ({ jobId, overdueMs: now - deadline }))
      .filter((run) => run.overdueMs > STUCK_AFTER_DEADLINE_MS)
      .sort((a, b) => b.overdueMs - a.overdueMs);
  }
}
