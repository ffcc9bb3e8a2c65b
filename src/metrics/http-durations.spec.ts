import { describe, expect, it } from '@jest/globals';
import { Histogram, Registry } from 'prom-client';
import { HttpDurations } from './http-durations.js';

const NAME = 'image_forge_http_request_duration_seconds';
const HELP = 'HTTP requests by method, route template and status code';
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Answers of two routes, three methods and three codes; durations on, between and past bounds. */
const ANSWERS: [route: string, method: string, status: number, seconds: number][] = [
  ['/api/v1/images', 'GET', 200, 0.0004],
  ['/api/v1/images', 'GET', 200, 0.001],
  ['/api/v1/images', 'GET', 200, 0.0010001],
  ['/api/v1/images', 'GET', 304, 0],
  ['/api/v1/images', 'HEAD', 200, 0.03],
  ['/api/v1/images/:id/thumbnail', 'GET', 200, 10],
  ['/api/v1/images/:id/thumbnail', 'GET', 200, 12.5],
  ['/api/v1/images/:id/thumbnail', 'GET', 404, 0.007],
  ['unmatched', 'OTHER', 400, 0.25],
];

/** Every sample of `registry`'s exposition, one line each, in a stable order. */
async function samples(registry: Registry): Promise<string[]> {
  const text = await registry.metrics();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      // Label order is the exposition's choice: compare label sets.
      const match = /^(\w+)\{(.*)\} (.+)$/.exec(line);
      if (!match) return line;
      const labels = match[2].split(/,(?=\w+=")/).sort();
      return `${match[1]}{${labels.join(',')}} ${match[3]}`;
    })
    .sort();
}

describe('HttpDurations', () => {
  it("exposes the same samples as prom-client's Histogram fed the same answers", async () => {
    const theirs = new Registry();
    const histogram = new Histogram({
      name: NAME,
      help: HELP,
      labelNames: ['method', 'route', 'status_code'],
      buckets: BUCKETS,
      registers: [theirs],
    });
    const ours = new Registry();
    const durations = new HttpDurations(NAME, HELP, BUCKETS, ours);
    for (const [route, method, status, seconds] of ANSWERS) {
      histogram.observe({ method, route, status_code: String(status) }, seconds);
      durations.observe(route, method, status, seconds);
    }

    const expected = await samples(theirs);
    expect(expected).toContain(
      `${NAME}_bucket{le="0.001",method="GET",route="/api/v1/images",status_code="200"} 2`,
    );
    expect(expected).toContain(
      `${NAME}_bucket{le="+Inf",method="GET",route="/api/v1/images/:id/thumbnail",status_code="200"} 2`,
    );
    expect(await samples(ours)).toEqual(expected);
  });

  it('reads the same through a merged registry, and empties on reset', async () => {
    const ours = new Registry();
    const durations = new HttpDurations(NAME, HELP, BUCKETS, ours);
    durations.observe('/health/ready', 'GET', 200, 0.002);
    const merged = await Registry.merge([new Registry(), ours]).metrics();
    expect(merged).toContain(
      `${NAME}_count{method="GET",route="/health/ready",status_code="200"} 1`,
    );
    expect(merged).toContain(`# TYPE ${NAME} histogram`);

    durations.reset();
    expect(await ours.metrics()).not.toContain(`${NAME}_count`);
  });
});
