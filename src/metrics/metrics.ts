import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { droppedLogLines } from '../common/logging.js';
import { JOB_ERROR_CODES } from '../domain/records.js';
import { HttpDurations } from './http-durations.js';

/** The label value of anything outside a known, bounded set. */
export const OTHER = 'other';

/** Seconds: from a fast local call (5 ms) to a slow remote image (10 min, the attempt limit). */
const CALL_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
];
/** Seconds: HTTP answers and store operations, 1 ms to 10 s. */
const FAST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const KNOWN_ERROR_CODES: ReadonlySet<string> = new Set(JOB_ERROR_CODES);

/** A job error code as a label: one of the documented codes, else `other`. */
export function errorCodeLabel(code: string | undefined): string {
  return code !== undefined && KNOWN_ERROR_CODES.has(code) ? code : OTHER;
}

let processRegistry: Registry | undefined;

/**
 * The process's own metrics (CPU, memory, file descriptors, event loop lag, GC, heap: prom-client's
 * defaults), collected once per process however many apps it runs (the tests run many): their
 * collectors (an event-loop monitor, a GC observer) cannot be stopped once started.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    new Counter({
      name: 'image_forge_log_lines_dropped_total',
      help: 'Log lines this process dropped because its log output (stdout) did not keep up',
      registers: [processRegistry],
      collect() {
        this.reset();
        this.inc(droppedLogLines());
      },
    });
  }
  return processRegistry;
}

/** How a timed operation ended. */
export type Outcome = 'ok' | 'error';

/**
 * This app's Prometheus registry and every metric in it, one instance per app (so that several
 * apps in one process, as in the tests, keep their own counts); the process's metrics beside it.
 * Every label takes its values from a bounded set: route templates, not paths; known providers,
 * models and error codes, else `other`; never an id, a user or free text.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new HttpDurations(
    'image_forge_http_request_duration_seconds',
    'HTTP requests by method, route template (`unmatched` for no route) and status code',
    FAST_BUCKETS,
    this.registry,
  );

  readonly generations = this.counter(
    'image_forge_generations_total',
    'Generation jobs settled on this replica, by provider, model and outcome (succeeded, failed, canceled)',
    ['provider', 'model', 'outcome'],
  );

  readonly generationFailures = this.counter(
    'image_forge_generation_failures_total',
    'Generation jobs that ended failed on this replica, by provider and error code',
    ['provider', 'code'],
  );

  readonly jobAttempts = this.histogram(
    'image_forge_generation_attempts',
    'Attempts a generation job had used when it settled, by provider and outcome',
    ['provider', 'outcome'],
    [0, 1, 2, 3, 4, 5, 6, 8, 10],
  );

  readonly providerDuration = this.histogram(
    'image_forge_provider_request_duration_seconds',
    "Image provider calls (after waiting for the provider's local limits), by provider, model and outcome",
    ['provider', 'model', 'outcome'],
    CALL_BUCKETS,
  );

  readonly providerErrors = this.counter(
    'image_forge_provider_errors_total',
    'Image provider calls that failed, by provider and error code (`aborted`: canceled, shut down or timed out by us)',
    ['provider', 'code'],
  );

  readonly blobDuration = this.histogram(
    'image_forge_blob_store_operation_duration_seconds',
    'Blob store operations (get: until the stream opens), by operation and outcome',
    ['operation', 'outcome'],
    FAST_BUCKETS,
  );

  readonly recordDuration = this.histogram(
    'image_forge_record_store_operation_duration_seconds',
    'Record store operations, by repository (port), operation (method) and outcome',
    ['repository', 'operation', 'outcome'],
    FAST_BUCKETS,
  );

  /** The exposition's content type (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** What `/metrics` serves: this app's metrics and the process's, in Prometheus' text format. */
  exposition(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }

  /** Times `operation` into `histogram` with `labels` and its outcome; returns its result. */
  async time<L extends string, T>(
    histogram: Histogram<L | 'outcome'>,
    labels: Partial<Record<L, string>>,
    operation: () => Promise<T>,
  ): Promise<T> {
    const stop = histogram.startTimer(labels as Partial<Record<L | 'outcome', string>>);
    try {
      const result = await operation();
      stop({ outcome: 'ok' } as Partial<Record<L | 'outcome', string>>);
      return result;
    } catch (error) {
      stop({ outcome: 'error' } as Partial<Record<L | 'outcome', string>>);
      throw error;
    }
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]) {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: number[],
  ) {
    return new Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}
