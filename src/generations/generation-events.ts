import { Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import type { GenerationJob } from '../domain/records.js';

/**
 * Job changes made in this process, each published once by `JobLifecycle`, which writes them.
 * Other replicas' changes reach SSE clients through polling of the record store (see
 * `GenerationsService.events`), so this bus is an accelerator, not the truth.
 */
@Injectable()
export class GenerationEvents {
  private readonly subject = new Subject<GenerationJob>();
  readonly changes: Observable<GenerationJob> = this.subject.asObservable();

  publish(job: GenerationJob): void {
    this.subject.next(job);
  }
}
