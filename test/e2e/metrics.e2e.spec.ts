import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai.fake.js';
import { register, startApp, type Account, type TestApp } from '../support/app.js';
import { readSse } from '../support/sse.js';
import { sleep, waitFor } from '../support/wait.js';

/** A sample line: `name{label="value",...} value [timestamp]`, per the text exposition format 0.0.4. */
interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface Family {
  readonly name: string;
  type?: string;
  help?: string;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/**
 * Parses Prometheus text (format 0.0.4) strictly: any line that is not a well-formed comment,
 * HELP, TYPE or sample throws; TYPE comes once per family and before its samples; a family's
 * samples are contiguous; histograms' buckets are cumulative and end at `+Inf` = `_count`.
 */
function parsePrometheus(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a line feed');
  const families = new Map<string, Family>();
  const closed = new Set<string>();
  let current: Family | undefined;
  const family = (name: string): Family => {
    if (current?.name === name) return current;
    if (closed.has(name) || families.has(name)) throw new Error(`family ${name} is not contiguous`);
    if (current) closed.add(current.name);
    current = { name, samples: [] };
    families.set(name, current);
    return current;
  };
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, index) => {
      const fail = (why: string) => {
        throw new Error(`line ${index + 1}: ${why}: ${JSON.stringify(line)}`);
      };
      if (line.trim() === '') return;
      const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (meta) {
        const [, kind, name, rest = ''] = meta;
        if (!METRIC_NAME.test(name)) fail('bad metric name');
        const f = family(name);
        if (kind === 'TYPE') {
          if (f.type !== undefined || f.samples.length > 0) fail('TYPE repeated or after samples');
          if (!TYPES.has(rest)) fail('unknown type');
          f.type = rest;
        } else {
          if (f.help !== undefined) fail('HELP repeated');
          f.help = rest;
        }
        return;
      }
      if (line.startsWith('#')) return; // a plain comment
      const sample = parseSample(line, fail);
      const base =
        current &&
        (SUFFIXES[current.type ?? ''] ?? []).some((s) => sample.name === current!.name + s)
          ? current.name
          : sample.name;
      family(base).samples.push(sample);
    });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function parseSample(line: string, fail: (why: string) => never): Sample {
  const head = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line) ?? fail('bad sample name');
  const name = head[1];
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at++;
    while (line[at] !== '}') {
      const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(at)) ?? fail('bad label');
      if (!LABEL_NAME.test(label[1]) || label[1] in labels) fail('bad or repeated label name');
      at += label[0].length;
      let value = '';
      for (;;) {
        const char = line[at++];
        if (char === undefined) fail('unterminated label value');
        if (char === '"') break;
        if (char === '\\') {
          const escaped = line[at++];
          if (escaped === 'n') value += '\n';
          else if (escaped === '\\' || escaped === '"') value += escaped;
          else fail('bad escape in label value');
        } else value += char;
      }
      labels[label[1]] = value;
      if (line[at] === ',') at++;
      else if (line[at] !== '}') fail('expected , or }');
    }
    at++;
  }
  const rest = /^ (\S+)(?: (-?\d+))?$/.exec(line.slice(at)) ?? fail('bad value');
  const value = parseGoFloat(rest[1]) ?? fail('value is not a float');
  return { name, labels, value };
}

/**
 * A value as Go's `strconv.ParseFloat` reads it (what the format specifies, and Prometheus
 * parses with): decimal or exponent notation, and `NaN` / `Inf` / `Infinity` in any case, signed.
 */
function parseGoFloat(raw: string): number | undefined {
  const special = /^([-+]?)(inf|infinity|nan)$/i.exec(raw);
  if (special) {
    if (special[2].toLowerCase() === 'nan') return special[1] === '' ? NaN : undefined;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw) ? Number(raw) : undefined;
}

/** Buckets cumulative per series, `+Inf` present and equal to `_count`. */
function checkHistogram(f: Family): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  const key = (labels: Readonly<Record<string, string>>) =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([name]) => name !== 'le')
        .sort(),
    );
  for (const sample of f.samples) {
    const entry = series.get(key(sample.labels)) ?? { buckets: [] };
    series.set(key(sample.labels), entry);
    if (sample.name.endsWith('_bucket')) {
      const le = sample.labels.le;
      if (le === undefined) throw new Error(`${f.name}: bucket without le`);
      entry.buckets.push([le === '+Inf' ? Infinity : Number(le), sample.value]);
    } else if (sample.name.endsWith('_count')) entry.count = sample.value;
  }
  for (const [labels, { buckets, count }] of series) {
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i][0] <= buckets[i - 1][0] || buckets[i][1] < buckets[i - 1][1]) {
        throw new Error(`${f.name}${labels}: buckets not cumulative`);
      }
    }
    if (buckets.at(-1)?.[0] !== Infinity || buckets.at(-1)?.[1] !== count) {
      throw new Error(`${f.name}${labels}: +Inf bucket missing or not equal to _count`);
    }
  }
}

/** The value of the sample `name` whose labels include `labels`; 0 when there is none yet. */
function valueOf(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const samples = [...families.values()].flatMap((f) => f.samples);
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return found.reduce((sum, s) => sum + s.value, 0);
}

const TOKEN = 'metrics-token-0123456789abcdef';
const BEARER = { Authorization: `Bearer ${TOKEN}` };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

async function scrape(t: TestApp): Promise<Map<string, Family>> {
  const response = await t.http.get('/metrics').set(BEARER).expect(200);
  expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheus(response.text);
}

async function settle(
  t: TestApp,
  user: Account,
  body: object,
): Promise<{ id: string; imageIds: string[]; status: string }> {
  const accepted = await t.http.post('/api/v1/generations').set(user.auth).send(body).expect(202);
  const stream = await readSse(t.app, `/api/v1/generations/${accepted.body.id}/events`, user.auth);
  return JSON.parse(stream.events.at(-1)!.data) as {
    id: string;
    imageIds: string[];
    status: string;
  };
}

describe('e2e: /metrics without METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('does not exist: 404 like any unknown path, with or without a token', async () => {
    for (const headers of [{}, BEARER]) {
      const response = await t.http.get('/metrics').set(headers).expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const unknown = await t.http.get('/api/v1/no-such-route').expect(404);
      expect(Object.keys(response.body).sort()).toEqual(Object.keys(unknown.body).sort());
      expect(response.text).not.toMatch(/image_forge|process_cpu/);
    }
  });
});

describe('e2e: /metrics with METRICS_TOKEN', () => {
  let t: TestApp;
  let openai: OpenAiFake;
  let user: Account;
  beforeAll(async () => {
    openai = await startOpenAiFake();
    t = await startApp({
      METRICS_TOKEN: TOKEN,
      OPENAI_API_KEY: 'sk-metrics-test',
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_IMAGES_PER_MINUTE: '1000',
    });
    user = await register(t.http);
  });
  afterAll(async () => {
    await t?.close();
    await openai?.close();
  });

  it('refuses a missing or wrong token with 401 problem+json naming the header', async () => {
    for (const headers of [
      {},
      { Authorization: 'Bearer wrong-token-0123456789abcdef' },
      { Authorization: `Bearer ${TOKEN}x` },
      { Authorization: `Basic ${TOKEN}` },
      user.auth,
    ]) {
      const response = await t.http.get('/metrics').set(headers).expect(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.body).toMatchObject({ status: 401, errors: [{ field: 'authorization' }] });
      expect(response.text).not.toMatch(/image_forge_/);
    }
  });

  it('answers Prometheus text with the process metrics, every family typed, and the queue gauges', async () => {
    const families = await scrape(t);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'image_forge_http_request_duration_seconds',
      'image_forge_generations_total',
      'image_forge_provider_request_duration_seconds',
      'image_forge_queue_jobs',
      'image_forge_queue_oldest_queued_age_seconds',
      'image_forge_log_lines_dropped_total',
    ]) {
      expect(families.get(name)?.type).toEqual(expect.any(String));
    }
    for (const provider of ['offline', 'openai', 'replicate']) {
      for (const state of ['queued', 'running']) {
        expect(
          families
            .get('image_forge_queue_jobs')!
            .samples.some((s) => s.labels.provider === provider && s.labels.state === state),
        ).toBe(true);
      }
      expect(
        families
          .get('image_forge_queue_oldest_queued_age_seconds')!
          .samples.some((s) => s.labels.provider === provider),
      ).toBe(true);
    }
  });

  it('moves when a generation runs: its outcome, attempts, provider call and HTTP timings', async () => {
    const before = await scrape(t);
    const job = await settle(t, user, { prompt: 'a lighthouse at dusk' });
    expect(job.status).toBe('succeeded');
    await t.http.get(`/api/v1/images/${job.imageIds[0]}`).set(user.auth).expect(200);
    const after = await scrape(t);

    const delta = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    const offline = { provider: 'offline', model: 'poster-v1' };
    expect(delta('image_forge_generations_total', { ...offline, outcome: 'succeeded' })).toBe(1);
    expect(
      delta('image_forge_generation_attempts_count', { provider: 'offline', outcome: 'succeeded' }),
    ).toBe(1);
    expect(
      delta('image_forge_generation_attempts_sum', { provider: 'offline', outcome: 'succeeded' }),
    ).toBe(1);
    expect(
      delta('image_forge_provider_request_duration_seconds_count', { ...offline, outcome: 'ok' }),
    ).toBe(1);
    expect(
      delta('image_forge_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/v1/generations',
        status_code: '202',
      }),
    ).toBe(1);
    expect(
      delta('image_forge_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/v1/images/:id',
        status_code: '200',
      }),
    ).toBe(1);
    // The scrape before this one is counted too, under its own route.
    expect(
      valueOf(after, 'image_forge_http_request_duration_seconds_count', {
        route: '/metrics',
        status_code: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('counts a provider failure by code, and the failed job by outcome', async () => {
    const before = await scrape(t);
    openai.script({
      kind: 'content_policy',
      message: 'Your request was rejected by our safety system.',
      endpoint: 'images',
    });
    const job = await settle(t, user, { provider: 'openai', model: 'dall-e-2', prompt: 'a kite' });
    expect(job.status).toBe('failed');
    const after = await scrape(t);
    const delta = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(
      delta('image_forge_provider_errors_total', { provider: 'openai', code: 'content_policy' }),
    ).toBe(1);
    expect(
      delta('image_forge_provider_request_duration_seconds_count', {
        provider: 'openai',
        model: 'dall-e-2',
        outcome: 'error',
      }),
    ).toBe(1);
    expect(
      delta('image_forge_generations_total', {
        provider: 'openai',
        model: 'dall-e-2',
        outcome: 'failed',
      }),
    ).toBe(1);
    expect(
      delta('image_forge_generation_failures_total', {
        provider: 'openai',
        code: 'content_policy',
      }),
    ).toBe(1);
  });

  it('labels routes by template, unmatched paths by one fixed label, and never carries an id', async () => {
    const ids = [user.id];
    const job = await settle(t, user, {});
    ids.push(job.id, ...job.imageIds);
    await t.http.get(`/api/v1/images/${job.imageIds[0]}/thumbnail`).set(user.auth).expect(200);
    await t.http.get(`/api/v1/no-such-thing/${job.id}`).expect(404);
    await t.http.get(`/api/v1/generations/${job.id}`).set(user.auth).expect(200);
    const families = await scrape(t);

    const http = families.get('image_forge_http_request_duration_seconds')!.samples;
    const routes = new Set(http.map((s) => s.labels.route));
    expect(routes).toContain('/api/v1/images/:id/thumbnail');
    expect(routes).toContain('/api/v1/generations/:id');
    expect(routes).toContain('unmatched');
    for (const route of routes) expect(route === 'unmatched' || route.startsWith('/')).toBe(true);

    for (const f of families.values()) {
      for (const sample of f.samples) {
        for (const value of Object.values(sample.labels)) {
          expect(value).not.toMatch(UUID);
          for (const id of ids) expect(value).not.toContain(id);
          expect(value).not.toContain(user.email);
        }
      }
    }
  });
});

describe('e2e: /metrics queue gauges under load', () => {
  let t: TestApp;
  let user: Account;
  beforeAll(async () => {
    t = await startApp({
      METRICS_TOKEN: TOKEN,
      GENERATION_CONCURRENCY: '1',
      OFFLINE_LATENCY_MS: '5000',
      SHUTDOWN_GRACE_MS: '100',
    });
    user = await register(t.http);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows the jobs queued and running per provider, and how long the oldest has waited', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const accepted = await t.http.post('/api/v1/generations').set(user.auth).send({}).expect(202);
      ids.push(accepted.body.id as string);
    }
    await waitFor(async () => {
      const families = await scrape(t);
      return valueOf(families, 'image_forge_queue_jobs', {
        provider: 'offline',
        state: 'running',
      }) === 1
        ? families
        : undefined;
    }, 'a running job in the gauges');
    await sleep(1100);
    const families = await scrape(t);
    expect(
      valueOf(families, 'image_forge_queue_jobs', { provider: 'offline', state: 'queued' }),
    ).toBe(2);
    expect(
      valueOf(families, 'image_forge_queue_jobs', { provider: 'offline', state: 'running' }),
    ).toBe(1);
    expect(
      valueOf(families, 'image_forge_queue_jobs', { provider: 'openai', state: 'queued' }),
    ).toBe(0);
    expect(
      valueOf(families, 'image_forge_queue_oldest_queued_age_seconds', { provider: 'offline' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(families, 'image_forge_queue_oldest_queued_age_seconds', { provider: 'replicate' }),
    ).toBe(0);
    for (const id of ids) {
      await t.http.post(`/api/v1/generations/${id}/cancel`).set(user.auth);
    }
    const after = await waitFor(async () => {
      const scraped = await scrape(t);
      return valueOf(scraped, 'image_forge_generations_total', { outcome: 'canceled' }) === 3
        ? scraped
        : undefined;
    }, 'three canceled jobs counted');
    expect(valueOf(after, 'image_forge_queue_jobs', { provider: 'offline' })).toBe(0);
  });
});
