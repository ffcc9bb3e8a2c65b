import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { ProviderError } from './image-provider.js';

/**
 * The HTTPS half of the safe download (redirect loop, status codes, Content-Length, slow bodies)
 * needs an allowlisted public HTTPS host, which tests cannot have: every loopback server is,
 * rightly, refused. So here `node:https` itself is replaced by a scripted stand-in that answers
 * per URL, and the real download loop runs against it. Production code has no test bypass.
 */
interface Hop {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | Readable;
}

const script = new Map<string, Hop>();
const calls: { url: string; lookup: unknown; agent: unknown }[] = [];

function request(url: URL, options: { lookup?: unknown; agent?: unknown; signal?: AbortSignal }) {
  const req = new EventEmitter() as EventEmitter & { end(): void };
  calls.push({ url: url.href, lookup: options.lookup, agent: options.agent });
  options.signal?.addEventListener('abort', () =>
    req.emit(
      'error',
      Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }),
    ),
  );
  req.end = () =>
    setImmediate(() => {
      const hop = script.get(url.href);
      if (!hop) {
        req.emit('error', Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' }));
        return;
      }
      const body =
        hop.body instanceof Readable ? hop.body : Readable.from(hop.body ? [hop.body] : []);
      req.emit(
        'response',
        Object.assign(body, { statusCode: hop.status, headers: hop.headers ?? {} }),
      );
    });
  return req;
}

jest.unstable_mockModule('node:https', () => ({ request, default: { request } }));
const { safeDownload, BlockedAddressError } = await import('./safe-download.js');

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
const ALLOWED = ['replicate.delivery', '*.replicate.delivery'];
const START = 'https://replicate.delivery/a/out-0.png';

const download = (url = START, options: { timeoutMs?: number; maxBytes?: number } = {}) =>
  safeDownload(url, {
    allowedHosts: ALLOWED,
    maxBytes: options.maxBytes ?? 1024,
    timeoutMs: options.timeoutMs ?? 5_000,
    signal: new AbortController().signal,
    expectImage: true,
  });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason as ProviderError,
  );
}

describe('safeDownload over HTTPS (scripted node:https)', () => {
  beforeEach(() => {
    script.clear();
    calls.length = 0;
  });

  it('fetches an image through the checked lookup on a fresh connection', async () => {
    script.set(START, { status: 200, headers: { 'content-type': 'image/png' }, body: PNG });
    const result = await download();
    expect(result.bytes.equals(PNG)).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0].agent).toBe(false);
    // The lookup handed to the connection is the checking one: loopback is refused by it.
    const lookup = calls[0].lookup as (
      host: string,
      options: object,
      callback: (error: Error | null) => void,
    ) => void;
    const error = await new Promise((resolve) => lookup('localhost', { all: true }, resolve));
    expect(error).toBeInstanceOf(BlockedAddressError);
  });

  it('follows a redirect to an allowed host, checked like the first URL', async () => {
    const next = 'https://pbxt.replicate.delivery/b/out-0.png';
    script.set(START, { status: 302, headers: { location: next } });
    script.set(next, { status: 200, headers: { 'content-type': 'image/png' }, body: PNG });
    await expect(download()).resolves.toMatchObject({ contentType: 'image/png' });
    expect(calls.map((call) => call.url)).toEqual([START, next]);
    expect(calls.every((call) => call.lookup === calls[0].lookup)).toBe(true);
  });

  it.each([
    'https://10.0.0.1/x.png',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::1]/x.png',
    'https://[::ffff:127.0.0.1]/x.png',
    'http://replicate.delivery/x.png',
    'https://attacker.example/x.png',
  ])('refuses a redirect to %s without requesting it', async (location) => {
    script.set(START, { status: 301, headers: { location } });
    const error = await failure(download());
    expect(error).toMatchObject({ code: 'download_refused', retryable: false });
    expect(calls.map((call) => call.url)).toEqual([START]);
  });

  it('refuses a fourth redirect', async () => {
    const urls = [0, 1, 2, 3, 4].map((i) => `https://replicate.delivery/hop-${i}.png`);
    urls.slice(0, 4).forEach((url, i) => {
      script.set(url, { status: 307, headers: { location: urls[i + 1] } });
    });
    const error = await failure(download(urls[0]));
    expect(error).toMatchObject({ code: 'download_refused' });
    expect(calls).toHaveLength(4);
  });

  it('reports an expired URL (4xx) as final and a 5xx as retryable', async () => {
    script.set(START, { status: 404 });
    expect(await failure(download())).toMatchObject({
      code: 'download_failed',
      retryable: false,
    });
    script.set(START, { status: 503 });
    expect(await failure(download())).toMatchObject({ code: 'download_failed', retryable: true });
  });

  it('reports a connection reset as retryable', async () => {
    expect(await failure(download())).toMatchObject({ code: 'download_failed', retryable: true });
  });

  it('refuses a body whose Content-Length is over the cap before reading it', async () => {
    const body = new Readable({ read() {} });
    script.set(START, {
      status: 200,
      headers: { 'content-type': 'image/png', 'content-length': '999999999' },
      body,
    });
    expect(await failure(download())).toMatchObject({ code: 'download_too_large' });
    expect(body.destroyed).toBe(true);
  });

  it('stops a body that grows past the cap while streaming', async () => {
    script.set(START, {
      status: 200,
      headers: { 'content-type': 'image/png' },
      body: Readable.from([PNG, Buffer.alloc(600), Buffer.alloc(600), Buffer.alloc(600)]),
    });
    expect(await failure(download())).toMatchObject({ code: 'download_too_large' });
  });

  it('gives up on a slow body at the time cap, as a retryable download_timeout', async () => {
    const body = new Readable({ read() {} });
    body.push(PNG.subarray(0, 8));
    script.set(START, { status: 200, headers: { 'content-type': 'image/png' }, body });
    expect(await failure(download(START, { timeoutMs: 100 }))).toMatchObject({
      code: 'download_timeout',
      retryable: true,
    });
    expect(body.destroyed).toBe(true);
  });

  it('rejects bytes that are not the image type the response claims', async () => {
    script.set(START, { status: 200, headers: { 'content-type': 'image/jpeg' }, body: PNG });
    expect(await failure(download())).toMatchObject({ code: 'invalid_image' });
    script.set(START, { status: 200, headers: { 'content-type': 'text/html' }, body: PNG });
    expect(await failure(download())).toMatchObject({ code: 'invalid_image' });
  });
});
