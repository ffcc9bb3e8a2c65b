/**
 * A signal that aborts with a `TimeoutError` after `ms`, like `AbortSignal.timeout`, but held by
 * its own timer until it fires or is cleared.
 *
 * Why not `AbortSignal.timeout`: Node holds a timeout signal only weakly, and `AbortSignal.any`
 * holds its sources weakly too. A timeout signal that only an `any()` signal refers to is collected
 * at the next garbage collection, and the combined signal then never aborts (nodejs/node#57736;
 * reproduced on the Node 20 we ship). An attempt waiting on a hung provider would wait forever.
 *
 * `clear` stops the timer when the work ends first, so the controller does not live on until `ms`.
 */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;

  constructor(private readonly ms: number) {
    this.signal = this.controller.signal;
    this.timer = this.start();
  }

  get expired(): boolean {
    return this.signal.aborted;
  }

  clear(): void {
    clearTimeout(this.timer);
  }

  /** `ms` from now again, unless it has fired: one signal for several steps, each bounded. */
  restart(): void {
    if (this.expired) return;
    this.clear();
    this.timer = this.start();
  }

  private start(): NodeJS.Timeout {
    const timer = setTimeout(
      () => this.controller.abort(new DOMException('The operation timed out.', 'TimeoutError')),
      this.ms,
    );
    // Like AbortSignal.timeout: a pending deadline alone does not keep the process running.
    return timer.unref();
  }
}

/** Runs `work` with a signal that aborts after `ms`; the deadline ends when the work does. */
export async function withDeadline<T>(
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = new Deadline(ms);
  try {
    return await work(deadline.signal);
  } finally {
    deadline.clear();
  }
}
