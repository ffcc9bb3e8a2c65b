import { describe, expect, it } from '@jest/globals';
import { RunMonitor, STUCK_AFTER_DEADLINE_MS } from './run-monitor.js';

describe('RunMonitor', () => {
  it('counts a run as stuck only once it is unsettled well past its deadline', () => {
    const monitor = new RunMonitor();
    const deadline = Date.now();
    const settled = monitor.track('job-1', deadline);
    expect(monitor.stuck(deadline + 1000)).toEqual([]);
    const late = deadline + STUCK_AFTER_DEADLINE_MS + 1;
    expect(monitor.stuck(late)).toEqual([{ jobId: 'job-1', overdueMs: late - deadline }]);
    settled();
    expect(monitor.stuck(late)).toEqual([]);
  });
});
