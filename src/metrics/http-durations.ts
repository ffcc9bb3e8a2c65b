import type { Metric, MetricValueWithName, Registry } from 'prom-client';

/** What prom-client's registry reads of a metric (its `get()`), as its `Histogram` gives it. */
interface Exposed {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly aggregator: 'sum';
  readonly values: MetricValueWithName<string>[];
}

/** One series: its labels, and its counts per bucket (not cumulative; the last is above all). */
interface Series {
  readonly labels: Readonly<Record<'method' | 'route' | 'status_code', string>>;
  readonly counts: Float64Array;
  sum: number;
}

/**
 * The HTTP duration histogram (`method`, `route`, `status_code`), registered in a prom-client
 * registry beside the other metrics and exposed exactly as a prom-client `Histogram` is
 * (`_bucket` with `le`, `_sum`, `_count`). It exists for the cost of `observe`, which every answer
 * pays: prom-client's checks each label against the label names, and hashes the label object to a
 * string to find its series (2 µs of a 40-50 µs thumbnail on a slow core); here the series is
 * found by three lookups keyed by the values themselves (the route template and the method are
 * the same string objects on every request, so their hashes are cached), and the bucket by a
 * scan of the bounds.
 */
export class HttpDurations {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private series = new Map<string, Map<string, Map<number, Series>>>();
  private readonly bucketName: string;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    this.bucketName = `${name}_bucket`;
    // prom-client's registry reads a metric through `name`, `type` and `get()` only.
    registry.registerMetric(this as unknown as Metric);
  }

  /** Counts one answer: its route template, method, status code and duration in seconds. */
  observe(route: string, method: string, statusCode: number, seconds: number): void {
    let byMethod = this.series.get(route);
    if (byMethod === undefined)
      this.series.set(route, (byMethod = new Map<string, Map<number, Series>>()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map<number, Series>()));
    let series = byStatus.get(statusCode);
    if (series === undefined) {
      series = {
        labels: { method, route, status_code: String(statusCode) },
        counts: new Float64Array(this.buckets.length + 1),
        sum: 0,
      };
      byStatus.set(statusCode, series);
    }
    const { buckets } = this;
    let bucket = 0;
    while (bucket < buckets.length && seconds > buckets[bucket]) bucket++;
    series.counts[bucket]++;
    series.sum += seconds;
  }

  /** Every series as prom-client's `Histogram.get()` gives it: cumulative buckets, sum, count. */
  get(): Promise<Exposed> {
    const values: MetricValueWithName<string>[] = [];
    for (const byMethod of this.series.values()) {
      for (const byStatus of byMethod.values()) {
        for (const { labels, counts, sum } of byStatus.values()) {
          let count = 0;
          this.buckets.forEach((le, bucket) => {
            count += counts[bucket];
            values.push({ labels: { ...labels, le }, value: count, metricName: this.bucketName });
          });
          count += counts[this.buckets.length];
          values.push(
            { labels: { ...labels, le: '+Inf' }, value: count, metricName: this.bucketName },
            { labels, value: sum, metricName: `${this.name}_sum` },
            { labels, value: count, metricName: `${this.name}_count` },
          );
        }
      }
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }

  reset(): void {
    this.series = new Map();
  }
}
