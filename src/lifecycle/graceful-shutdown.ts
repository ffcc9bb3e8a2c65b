import { Logger, type INestApplicationContext } from '@nestjs/common';
import { flushLogsSync } from '../common/logging.js';
import { ProcessLifecycle } from './process-lifecycle.js';

/** Past the grace, what closing may still take (HTTP server, stores) before the process is killed. */
export const HARD_EXIT_AFTER_GRACE_MS = 1500;

/** Before a kill, time for the log line that says why to be written out (pino writes async). */
const LAST_WORDS_MS = 100;

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * A bounded shutdown. The first SIGTERM or SIGINT turns readiness 503 and refuses new jobs at once
 * (`ProcessLifecycle`), then closes the app: schedulers stop, the worker claims nothing more and
 * gives running jobs SHUTDOWN_GRACE_MS before handing them back, the stores close. Whatever is
 * still running after the grace plus `HARD_EXIT_AFTER_GRACE_MS` (a native thread that never
 * returns, a hung store), the process is killed: `process.exit` itself would wait for such a
 * thread. A second signal kills it at once.
 */
export class GracefulShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);
  private stopping = false;
  private readonly onSignal = (signal: NodeJS.Signals) => void this.stop(signal);

  constructor(
    private readonly app: INestApplicationContext,
    private readonly graceMs: number,
  ) {}

  listen(): void {
    for (const signal of SIGNALS) process.on(signal, this.onSignal);
  }

  private async stop(signal: NodeJS.Signals): Promise<void> {
    if (this.stopping) {
      this.logger.warn({ signal }, 'second signal: exiting now');
      this.kill();
      return;
    }
    this.stopping = true;
    const deadlineMs = this.graceMs + HARD_EXIT_AFTER_GRACE_MS;
    this.logger.log({ signal, graceMs: this.graceMs }, 'shutting down');
    this.app.get(ProcessLifecycle).drain();
    setTimeout(() => {
      this.logger.error({ signal, afterMs: deadlineMs }, 'shutdown overran its grace; exiting now');
      this.kill();
    }, deadlineMs).unref();
    try {
      await this.app.close();
      this.logger.log({ signal }, 'shut down');
    } catch (error) {
      this.logger.error({ err: error }, 'shutdown failed');
      this.kill();
      return;
    }
    // As Nest's own shutdown hooks do: end by the signal's default action, which no thread (a
    // stuck native call included) can hold up, and which reports the signal as the cause.
    for (const each of SIGNALS) process.removeListener(each, this.onSignal);
    flushLogsSync();
    process.kill(process.pid, signal);
  }

  /** Nothing can delay this, unlike `process.exit`, which joins every thread first. */
  private kill(): void {
    setTimeout(() => {
      flushLogsSync();
      process.kill(process.pid, 'SIGKILL');
    }, LAST_WORDS_MS);
  }
}
