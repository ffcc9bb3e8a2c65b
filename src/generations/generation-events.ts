import { Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import type { GenerationJob } from '../domain/records.js';

/** A provider asked us (429 with Retry-After) to send nothing for a while. */
export interface ProviderThrottle {
  readonly provider: string;
  readonly retryAfterMs: number;
}

/**
 * Job changes, each published once by `JobLifecycle`, which writes them; with the `bullmq` engine
 * the job queue relays them between replicas (`relay`), so `changes` carries every replica's.
 * SSE clients also poll the record store (see `GenerationsService.events`): this bus is an
 * accelerator, not the truth.
 */
@Injectable()
export class GenerationEvents {
  private readonly subject = new Subject<GenerationJob>();
  private readonly throttleSubject = new Subject<ProviderThrottle>();
  private readonly outbox = new Subject<GenerationJob>();
  /** Changes made here and, when relayed, on other replicas. */
  readonly changes: Observable<GenerationJob> = this.subject.asObservable();
  /** Changes made in this process only: what a relay sends to the other replicas. */
  readonly local: Observable<GenerationJob> = this.outbox.asObservable();
  /** Providers that asked to be left alone for a while (made here). */
  readonly throttles: Observable<ProviderThrottle> = this.throttleSubject.asObservable();

  publish(job: GenerationJob): void {
    this.outbox.next(job);
    this.subject.next(job);
  }

  /** A change another replica made, as relayed: seen here, not sent on again. */
  relay(job: GenerationJob): void {
    this.subject.next(job);
  }

  publishThrottle(throttle: ProviderThrottle): void {
    this.throttleSubject.next(throttle);
  }
}
