import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from '@jest/globals';
import sharp from 'sharp';

/**
 * A loopback stand-in for api.openai.com that speaks the wire protocol the official SDK uses:
 * `POST /v1/images/generations` and `POST /v1/chat/completions`, with OpenAI's response and error
 * shapes. Tests script what the next calls do; every request is recorded.
 */

export type OpenAiEndpoint = 'images' | 'chat';

export type OpenAiBehaviour = (
  | {
      /** Images: PNGs (base64, or URLs when the request asks for them); chat: `content`. */
      kind: 'success';
      content?: string;
      refusal?: string;
      finishReason?: string;
      revisedPrompt?: string;
    }
  /** Images answered as URLs served by this fake (`GET /files/...`), whatever was asked. */
  | { kind: 'url' }
  /** 429 with `Retry-After` (seconds or HTTP date) and/or OpenAI's `retry-after-ms`. */
  | { kind: 'rate_limited'; retryAfter?: string; retryAfterMs?: string }
  | { kind: 'server_error'; status?: number }
  /** Never answers; the request ends only when the client gives up. */
  | { kind: 'hang' }
  /** 400 the way OpenAI refuses a prompt; `code` `moderation_blocked` is GPT Image's variant. */
  | { kind: 'content_policy'; message?: string; code?: string; type?: string }
  /** A success whose PNG is cut in half. */
  | { kind: 'truncated' }
  /** A success whose "image" is HTML. */
  | { kind: 'not_image' }
  /** The connection is destroyed without an answer. */
  | { kind: 'reset' }
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
) & {
  /** Only for this endpoint (default: whichever call comes next). */
  endpoint?: OpenAiEndpoint;
  /** Held until this settles before answering (to make calls overlap on purpose). */
  waitFor?: Promise<unknown>;
};

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON object (empty when the body is not one; see `rawBody`). */
  readonly body: Record<string, unknown>;
  readonly rawBody: string;
}

export interface OpenAiFake {
  /** Pass as the SDK's `baseURL` (ends in `/v1`). */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** API calls being answered right now, and the most there ever were at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Queues behaviours for the next calls; calls with nothing queued succeed. */
  script(...behaviours: OpenAiBehaviour[]): void;
  /** Resolves once at least `count` API calls have arrived. */
  waitForCalls(count: number): Promise<void>;
  close(): Promise<void>;
}

const SIZES: Record<string, readonly string[]> = {
  'gpt-image-1': ['1024x1024', '1536x1024', '1024x1536', 'auto'],
  'dall-e-3': ['1024x1024', '1792x1024', '1024x1792'],
  'dall-e-2': ['256x256', '512x512', '1024x1024'],
};

export const FAKE_CHAT_CONTENT =
  'A red fox curled asleep in a mossy hollow of an ancient birch forest at dawn, watercolor, mist, soft golden light, muted greens and amber';

export async function startOpenAiFake(): Promise<OpenAiFake> {
  const queue: OpenAiBehaviour[] = [];
  const requests: RecordedRequest[] = [];
  const files = new Map<string, Buffer>();
  const arrivals = new Set<() => void>();
  let apiCalls = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let fileCounter = 0;
  let origin = '';

  const take = (endpoint: OpenAiEndpoint): OpenAiBehaviour => {
    const index = queue.findIndex((b) => b.endpoint === undefined || b.endpoint === endpoint);
    return index === -1 ? { kind: 'success' } : queue.splice(index, 1)[0];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = text ? JSON.parse(text) : null;
      if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
    } catch {
      // Kept as rawBody only.
    }
    const path = (req.url ?? '/').split('?')[0];
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body, rawBody: text });

    if (req.method === 'GET' && path.startsWith('/files/')) {
      const bytes = files.get(path.slice('/files/'.length));
      if (!bytes) return sendJson(res, 404, errorBody('No such file', 'invalid_request_error'));
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length });
      res.end(bytes);
      return;
    }
    const endpoint: OpenAiEndpoint | null =
      req.method === 'POST' && path === '/v1/images/generations'
        ? 'images'
        : req.method === 'POST' && path === '/v1/chat/completions'
          ? 'chat'
          : null;
    if (!endpoint) {
      return sendJson(
        res,
        404,
        errorBody(`Unknown route ${req.method} ${path}`, 'invalid_request_error'),
      );
    }

    apiCalls++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => inFlight--);
    for (const wake of arrivals) wake();

    const behaviour = take(endpoint);
    if (behaviour.waitFor) await behaviour.waitFor.catch(() => undefined);
    const params = body;

    switch (behaviour.kind) {
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'rate_limited': {
        const headers: Record<string, string> = {};
        if (behaviour.retryAfter !== undefined) headers['retry-after'] = behaviour.retryAfter;
        if (behaviour.retryAfterMs !== undefined)
          headers['retry-after-ms'] = behaviour.retryAfterMs;
        return sendJson(
          res,
          429,
          errorBody(
            `Rate limit reached for ${String(params.model)} on images per minute: Limit 5, Used 5, Requested 1. Please try again in 7s.`,
            'requests',
            'rate_limit_exceeded',
          ),
          headers,
        );
      }
      case 'server_error':
        return sendJson(
          res,
          behaviour.status ?? 500,
          errorBody(
            'The server had an error while processing your request. Sorry about that!',
            'server_error',
          ),
        );
      case 'content_policy':
        return sendJson(
          res,
          400,
          errorBody(
            behaviour.message ??
              'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
            behaviour.type ?? 'invalid_request_error',
            behaviour.code ?? 'content_policy_violation',
          ),
        );
      case 'error':
        return sendJson(res, behaviour.status, behaviour.body ?? {}, behaviour.headers);
      default:
        break;
    }

    if (endpoint === 'chat') {
      const success: { content?: string; refusal?: string; finishReason?: string } =
        behaviour.kind === 'success' ? behaviour : {};
      return sendJson(res, 200, {
        id: `chatcmpl-fake${apiCalls}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: params.model,
        system_fingerprint: 'fp_fake',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: success.refusal ? null : (success.content ?? FAKE_CHAT_CONTENT),
              refusal: success.refusal ?? null,
            },
            logprobs: null,
            finish_reason: success.finishReason ?? 'stop',
          },
        ],
        usage: { prompt_tokens: 120, completion_tokens: 40, total_tokens: 160 },
      });
    }

    // Images: refuse what the real API refuses, so a wrong request fails here as it would there.
    const model = typeof params.model === 'string' ? params.model : 'dall-e-2';
    const n = typeof params.n === 'number' ? params.n : 1;
    const size =
      typeof params.size === 'string'
        ? params.size
        : model === 'gpt-image-1'
          ? 'auto'
          : '1024x1024';
    const invalid = (message: string, param: string) =>
      sendJson(res, 400, {
        error: { message, type: 'invalid_request_error', param, code: 'invalid_value' },
      });
    if (!SIZES[model]) return invalid(`Invalid model ${model}.`, 'model');
    if (model === 'gpt-image-1' && params.response_format !== undefined) {
      return sendJson(res, 400, {
        error: {
          message: "Unknown parameter: 'response_format'.",
          type: 'invalid_request_error',
          param: 'response_format',
          code: 'unknown_parameter',
        },
      });
    }
    if (n < 1 || n > (model === 'dall-e-3' ? 1 : 10)) {
      return invalid(`Invalid 'n': ${n} is not supported by ${model}.`, 'n');
    }
    if (!SIZES[model].includes(size)) return invalid(`Invalid size ${size} for ${model}.`, 'size');

    const [width, height] = (size === 'auto' ? '1024x1024' : size).split('x').map(Number);
    const asUrl =
      behaviour.kind === 'url' ||
      (model !== 'gpt-image-1' && params.response_format !== 'b64_json');
    const data = [];
    for (let i = 0; i < n; i++) {
      let bytes = await solidPng(width, height, apiCalls + i);
      if (behaviour.kind === 'truncated') bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
      if (behaviour.kind === 'not_image')
        bytes = Buffer.from('<html><body>Not an image</body></html>');
      const revised =
        model === 'dall-e-3'
          ? ((behaviour.kind === 'success' ? behaviour.revisedPrompt : undefined) ??
            `${String(params.prompt)}, in rich cinematic detail`)
          : undefined;
      let output: Record<string, string>;
      if (asUrl) {
        const name = `img-${++fileCounter}.png`;
        files.set(name, bytes);
        output = { url: `${origin}/files/${name}` };
      } else {
        output = { b64_json: bytes.toString('base64') };
      }
      data.push(revised === undefined ? output : { ...output, revised_prompt: revised });
    }
    return sendJson(res, 200, {
      created: Math.floor(Date.now() / 1000),
      data,
      ...(model === 'gpt-image-1'
        ? { background: 'opaque', output_format: 'png', quality: params.quality ?? 'high', size }
        : {}),
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, errorBody(`Fake failed: ${String(error)}`, 'server_error'));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl: `${origin}/v1`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    script(...behaviours) {
      queue.push(...behaviours);
    },
    async waitForCalls(count) {
      while (apiCalls < count) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            arrivals.delete(wake);
            resolve();
          };
          arrivals.add(wake);
        });
      }
      // Let the handler take its behaviour before the test moves on.
      await sleep(0);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Aborts `controller` once the fake has received `calls` calls, checks that `pending` (the call
 * the signal belongs to) rejects at once with the abort's reason, and waits until the fake has
 * seen every call it was answering dropped.
 */
export async function expectAbortedInFlight(
  fake: OpenAiFake,
  controller: AbortController,
  pending: Promise<unknown>,
  calls: number,
): Promise<void> {
  await fake.waitForCalls(calls);
  const reason = new Error('canceled by the user');
  controller.abort(reason);
  await expect(pending).rejects.toBe(reason);
  while (fake.inFlight > 0) await sleep(10);
}

function errorBody(message: string, type: string, code: string | null = null) {
  return { error: { message, type, param: null, code } };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': `req_fake_${Math.random().toString(16).slice(2, 10)}`,
    ...headers,
  });
  res.end(text);
}

/** A valid PNG of the asked size, a different colour per image. */
async function solidPng(width: number, height: number, index: number): Promise<Buffer> {
  const hue = (index * 67) % 256;
  return sharp({
    create: { width, height, channels: 3, background: { r: hue, g: 255 - hue, b: 128 } },
  })
    .png()
    .toBuffer();
}
