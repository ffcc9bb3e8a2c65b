import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/** What the next predictions do, until changed. */
export type ReplicateBehaviour =
  /** Succeeds after `polls` polls; `outputs` default to one PNG data: URL per `num_outputs`. */
  | { readonly kind: 'succeed'; readonly polls?: number; readonly outputs?: readonly string[] }
  /** Ends `failed` with `error` after `polls` polls. */
  | { readonly kind: 'fail'; readonly error: string; readonly polls?: number }
  /** Stays `processing` until canceled. */
  | { readonly kind: 'hang' }
  /** Create answers 429 with Retry-After (every attempt: the SDK retries 429s itself). */
  | { readonly kind: 'rate_limited'; readonly retryAfterSeconds: number }
  /** Create answers 500. */
  | { readonly kind: 'server_error' };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

interface FakePrediction {
  id: string;
  model: string;
  version: string;
  input: Record<string, unknown>;
  status: 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  output: unknown;
  error: string | null;
  behaviour: ReplicateBehaviour;
  polls: number;
  created_at: string;
}

export interface ReplicateFake {
  /** API root to give the SDK as `baseUrl` (ends in `/v1`). */
  readonly baseUrl: string;
  readonly token: string;
  /** Every request, in order. */
  readonly requests: RecordedRequest[];
  /** Ids of predictions a client asked to cancel, in order. */
  readonly cancels: string[];
  /** A real PNG (64x64), as the default outputs carry it. */
  readonly png: Buffer;
  behave(behaviour: ReplicateBehaviour): void;
  /** Forget requests and cancels; predictions succeed again. */
  reset(): void;
  /** The inputs of the created predictions, in order. */
  inputs(): Record<string, unknown>[];
  close(): Promise<void>;
}

const DEFAULT: ReplicateBehaviour = { kind: 'succeed' };

/**
 * A loopback stand-in for api.replicate.com that the real `replicate` SDK talks to: predictions
 * create (by model or by version), get and cancel, with scripted outcomes.
 */
export async function startReplicateFake(options: { token?: string } = {}): Promise<ReplicateFake> {
  const token = options.token ?? 'r8_fake_token';
  const png = await sharp({
    create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 90, b: 30 } },
  })
    .png()
    .toBuffer();
  const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
  const predictions = new Map<string, FakePrediction>();
  const requests: RecordedRequest[] = [];
  const cancels: string[] = [];
  let behaviour: ReplicateBehaviour = DEFAULT;
  let baseUrl = '';

  const view = (p: FakePrediction) => ({
    id: p.id,
    model: p.model,
    version: p.version,
    input: p.input,
    logs: '',
    output: p.output,
    error: p.error,
    status: p.status,
    source: 'api',
    data_removed: false,
    created_at: p.created_at,
    urls: {
      get: `${baseUrl}/predictions/${p.id}`,
      cancel: `${baseUrl}/predictions/${p.id}/cancel`,
    },
  });

  const finish = (p: FakePrediction) => {
    const b = p.behaviour;
    if (b.kind === 'succeed') {
      const count = Number(p.input.num_outputs ?? 1);
      p.status = 'succeeded';
      p.output = b.outputs ? [...b.outputs] : Array.from({ length: count }, () => dataUrl);
    } else if (b.kind === 'fail') {
      p.status = 'failed';
      p.error = b.error;
    }
  };

  const create = (
    res: ServerResponse,
    model: string,
    version: string,
    body: Record<string, unknown>,
  ) => {
    if (behaviour.kind === 'rate_limited') {
      res.setHeader('Retry-After', String(behaviour.retryAfterSeconds));
      return problem(res, 429, 'Request was throttled.');
    }
    if (behaviour.kind === 'server_error') return problem(res, 500, 'Internal server error');
    const prediction: FakePrediction = {
      id: randomBytes(13).toString('hex'),
      model,
      version,
      input: (body.input ?? {}) as Record<string, unknown>,
      status: 'starting',
      output: null,
      error: null,
      behaviour,
      polls: 0,
      created_at: new Date().toISOString(),
    };
    predictions.set(prediction.id, prediction);
    json(res, 201, view(prediction));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readText(req);
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body });
    if (req.headers.authorization !== `Bearer ${token}`) {
      return problem(res, 401, 'You did not pass a valid authentication token');
    }
    const route = `${req.method} ${url.pathname}`;
    let match = /^POST \/v1\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(route);
    if (match) return create(res, `${match[1]}/${match[2]}`, 'hidden', body ?? {});
    if (route === 'POST /v1/predictions') {
      const version = typeof body?.version === 'string' ? body.version : '';
      if (!/^[0-9a-f]{64}$/.test(version)) return problem(res, 422, 'Invalid version');
      return create(res, 'owner/versioned', version, body ?? {});
    }
    match = /^GET \/v1\/predictions\/([^/]+)$/.exec(route);
    if (match) {
      const prediction = predictions.get(match[1]);
      if (!prediction) return problem(res, 404, 'Not found');
      if (prediction.status === 'starting' || prediction.status === 'processing') {
        const b = prediction.behaviour;
        const due = b.kind === 'succeed' || b.kind === 'fail' ? (b.polls ?? 0) : Infinity;
        if (prediction.polls >= due) finish(prediction);
        else prediction.status = 'processing';
        prediction.polls++;
      }
      return json(res, 200, view(prediction));
    }
    match = /^POST \/v1\/predictions\/([^/]+)\/cancel$/.exec(route);
    if (match) {
      const prediction = predictions.get(match[1]);
      if (!prediction) return problem(res, 404, 'Not found');
      cancels.push(prediction.id);
      if (prediction.status === 'starting' || prediction.status === 'processing') {
        prediction.status = 'canceled';
      }
      return json(res, 200, view(prediction));
    }
    problem(res, 404, 'Not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => problem(res, 500, String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

  return {
    baseUrl,
    token,
    requests,
    cancels,
    png,
    behave: (next) => {
      behaviour = next;
    },
    reset: () => {
      behaviour = DEFAULT;
      requests.length = 0;
      cancels.length = 0;
    },
    inputs: () =>
      requests
        .filter((r) => r.method === 'POST' && !r.path.endsWith('/cancel'))
        .map((r) => (r.body as { input?: Record<string, unknown> } | null)?.input ?? {}),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Replicate answers errors as problem details. */
function problem(res: ServerResponse, status: number, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ title: detail, detail, status }));
}
