import type { Logger } from '@nestjs/common';

/**
 * Maintenance one replica runs on its own clock (sweeps, pruning): `run` now, and every interval
 * once `every` is called. Runs coalesce: a call while one is in flight gets that one's result.
 * A failed periodic run is logged; the next comes on time. `stop` waits for the run in flight.
 */
export class PeriodicTask<T> {
  private timer?: NodeJS.Timeout;
  private first?: NodeJS.Timeout;
  private running?: Promise<T>;

  constructor(
    private readonly task: (now: number) => Promise<T>,
    private readonly logger: Logger,
    private readonly failure: string,
  ) {}

  /** Runs the task as of `now`, or joins the run in flight. */
  run(now = Date.now()): Promise<T> {
    this.running ??= this.task(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Runs the task every `intervalMs` (0: never), without keeping the process alive. */
  every(intervalMs: number): void {
    if (intervalMs === 0) return;
    this.timer = setInterval(() => this.runLogged(), intervalMs);
    this.timer.unref();
  }

  /**
   * Runs the task once the current work is done (a boot-time run that must not delay start-up:
   * SQLite's calls are synchronous), its failure logged.
   */
  soon(): void {
    this.first = setTimeout(() => this.runLogged(), 0);
    this.first.unref();
  }

  /** Runs the task now, its failure logged rather than thrown. */
  private runLogged(): void {
    this.run().catch((error: unknown) => this.logger.error({ err: error }, this.failure));
  }

  async stop(): Promise<void> {
    clearTimeout(this.first);
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
