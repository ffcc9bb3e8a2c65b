import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A provider's local limits: at most `concurrency` calls at once and `imagesPerMinute` images per
 * rolling minute (token bucket). Callers wait their turn in order, so a burst of jobs queues
 * instead of failing with the provider's 429s; an aborted wait leaves the queue at once.
 */
export class ProviderLimiter {
  private active = 0;
  private tokens: number;
  private refilledAt = Date.now();
  private readonly waiting: { wake: () => void }[] = [];

  constructor(
    readonly concurrency: number,
    readonly imagesPerMinute: number,
  ) {
    this.tokens = imagesPerMinute;
  }

  /** Runs `task` once a slot is free and `images` tokens are available (capped at the bucket size). */
  async run<T>(images: number, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    await this.acquireSlot(signal);
    try {
      await this.takeTokens(Math.min(images, this.imagesPerMinute), signal);
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.wake();
    }
  }

  private async acquireSlot(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.active < this.concurrency && this.waiting.length === 0) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const entry = {
        wake: () => {
          signal.removeEventListener('abort', onAbort);
          this.active++;
          resolve();
        },
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private async takeTokens(count: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(
        this.imagesPerMinute,
        this.tokens + ((now - this.refilledAt) * this.imagesPerMinute) / 60_000,
      );
      this.refilledAt = now;
      if (this.tokens >= count) {
        this.tokens -= count;
        return;
      }
      const waitMs = Math.ceil(((count - this.tokens) * 60_000) / this.imagesPerMinute);
      await sleep(waitMs, undefined, { signal });
    }
  }
}
