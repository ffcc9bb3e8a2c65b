import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** The worker script, beside this file in `src/` (Jest) and in `dist/` (nest-cli.json assets). */
export const IMAGE_WORKER_SCRIPT = new URL('./image-worker.mjs', import.meta.url);

/** A task for the worker script: `op` and its fields. */
export interface ImageTask {
  readonly op: string;
  readonly [field: string]: unknown;
}

/** The worker's answer to one task. */
export interface ImageReply {
  readonly ok: boolean;
  /** When not ok: the input is not a decodable image (rather than the work failing). */
  readonly invalid?: boolean;
  readonly message?: string;
  readonly [field: string]: unknown;
}

interface Pending {
  readonly task: ImageTask;
  readonly signal?: AbortSignal;
  readonly resolve: (reply: ImageReply) => void;
  readonly reject: (reason: unknown) => void;
  readonly onAbort: () => void;
}

interface Slot {
  readonly worker: Worker;
  current?: Pending & { readonly id: number };
}

/** Worker threads that ended without answering (crashed, or terminated by `close`). */
export class ImageWorkerError extends Error {
  override readonly name = 'ImageWorkerError';
}

/**
 * A few worker threads running image tasks, one at a time each. A task whose signal aborts is
 * answered at once with the signal's reason, and its worker is terminated and replaced: a native
 * call that never returns (a libvips thread waiting on a lock nothing releases) costs a thread,
 * never the job or the process's exit. Idle workers do not keep the process alive.
 */
export class ImageWorkerPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly script: URL = IMAGE_WORKER_SCRIPT,
    private readonly size = Math.min(4, Math.max(1, availableParallelism())),
  ) {}

  run(task: ImageTask, signal?: AbortSignal): Promise<ImageReply> {
    if (this.closed) return Promise.reject(new ImageWorkerError('The image worker pool is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<ImageReply>((resolve, reject) => {
      const pending: Pending = {
        task,
        signal,
        resolve,
        reject,
        onAbort: () => this.abort(pending),
      };
      signal?.addEventListener('abort', pending.onAbort, { once: true });
      this.queue.push(pending);
      this.dispatch();
    });
  }

  /** Terminates every worker; tasks in flight or queued are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) {
      this.settle(pending, () =>
        pending.reject(new ImageWorkerError('The image worker pool closed')),
      );
    }
    const workers = [...this.slots].map((slot) => this.retire(slot));
    await Promise.allSettled(workers);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = [...this.slots].find((s) => !s.current) ?? this.spawn();
      if (!slot) return;
      const pending = this.queue.shift()!;
      const id = ++this.nextId;
      slot.current = { ...pending, id };
      slot.worker.ref();
      slot.worker.postMessage({ ...pending.task, id });
    }
  }

  private spawn(): Slot | undefined {
    if (this.closed || this.slots.size >= this.size) return undefined;
    // This thread's environment as the process sees it now (the default, said outright: under
    // Jest the module's `process.env` is the test's own copy).
    const slot: Slot = { worker: new Worker(this.script, { env: process.env }) };
    slot.worker.unref();
    slot.worker.on('message', (reply: ImageReply & { id: number }) => {
      const current = slot.current;
      if (!current || current.id !== reply.id) return;
      slot.current = undefined;
      slot.worker.unref();
      this.settle(current, () => current.resolve(reply));
      this.dispatch();
    });
    slot.worker.on('error', (error) => this.lose(slot, error));
    slot.worker.on('exit', (code) =>
      this.lose(slot, new ImageWorkerError(`The image worker exited (code ${code})`)),
    );
    this.slots.add(slot);
    return slot;
  }

  /** A worker died: its task fails, and the next task gets a fresh worker. */
  private lose(slot: Slot, error: unknown): void {
    if (!this.slots.delete(slot)) return;
    const current = slot.current;
    slot.current = undefined;
    if (current) this.settle(current, () => current.reject(error));
    this.dispatch();
  }

  private abort(pending: Pending): void {
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      pending.reject(pending.signal?.reason);
      return;
    }
    const slot = [...this.slots].find((s) => s.current?.task === pending.task);
    if (!slot) return;
    // The task may be stuck in native code: answer now, and abandon the thread.
    slot.current = undefined;
    pending.reject(pending.signal?.reason);
    void this.retire(slot);
    this.dispatch();
  }

  private async retire(slot: Slot): Promise<void> {
    this.slots.delete(slot);
    const current = slot.current;
    slot.current = undefined;
    if (current) {
      this.settle(current, () =>
        current.reject(new ImageWorkerError('The image worker pool closed')),
      );
    }
    slot.worker.unref();
    // A thread stuck in native code may never end; nothing waits for it longer than this.
    await Promise.race([
      slot.worker.terminate().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 1000).unref()),
    ]);
  }

  private settle(pending: Pending, finish: () => void): void {
    pending.signal?.removeEventListener('abort', pending.onAbort);
    finish();
  }
}
