import { setTimeout as sleep } from 'node:timers/promises';
import {
  ImageProvider,
  type ProviderCapabilities,
  type ProviderImage,
  type ProviderLimits,
  type ProviderRequest,
  type ProviderStatus,
} from './image-provider.js';

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

/** A provider whose every `generate` waits its turn in the provider's limiter. */
class LimitedImageProvider extends ImageProvider {
  readonly name: string;
  readonly description: string;
  private readonly limiter: ProviderLimiter;

  constructor(
    private readonly provider: ImageProvider,
    limits: ProviderLimits,
  ) {
    super(limits);
    this.name = provider.name;
    this.description = provider.description;
    this.limiter = new ProviderLimiter(limits.concurrency, limits.imagesPerMinute);
  }

  status(): ProviderStatus {
    return this.provider.status();
  }

  capabilities(): ProviderCapabilities {
    return this.provider.capabilities();
  }

  generate(request: ProviderRequest): Promise<ProviderImage[]> {
    return this.limiter.run(request.n, request.signal, () => this.provider.generate(request));
  }
}

/**
 * `provider` with every `generate` held to its `limits()` (a whole job's images counted at once),
 * or `provider` itself when it has none. The registry wraps each provider so.
 */
export function withLimits(provider: ImageProvider): ImageProvider {
  const limits = provider.limits();
  return limits ? new LimitedImageProvider(provider, limits) : provider;
}
