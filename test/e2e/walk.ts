import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createClient,
  followGeneration,
  type Generation,
  type ImageForgeClient,
} from '@image-forge/sdk';
import sharp from 'sharp';
import type { Response as SupertestResponse } from 'supertest';
import { readPngText } from '../../src/common/png-text.js';
import { imageKey, thumbnailKey } from '../../src/storage/blobs/blob-keys.js';
import { BlobStore } from '../../src/storage/blobs/blob-store.js';
import { startApp, type TestApp } from '../support/app.js';
import { SpecConformance, type OpenApiDocument } from '../support/openapi.js';
import { sleep } from '../support/wait.js';

/**
 * The core walk of the issue, through the SDK (`@image-forge/sdk`, typed from the committed spec)
 * against the real app listening on loopback, each 2xx body checked against the spec the app
 * serves: register → login → generate (empty body) → follow SSE → history and gallery → content
 * and thumbnail → search → private → delete. A spec change that breaks a client breaks this file
 * (tsc) or this walk.
 */
/** Backends to run the walk on: env for the app, and how to stop what was started for it. */
export interface WalkBackend {
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/** What the configured default provider produces, for the walk's expectations. */
export interface WalkProfile {
  readonly strategy: string;
  readonly provider: string;
  readonly model: string;
  readonly size: string;
  /** A cheaper size for the walk's extra generations. */
  readonly smallSize: string;
  /** Pixel size of the images the provider returns for `size`. */
  readonly width: number;
  readonly height: number;
  /** Whether the provider rewrites prompts (the image then carries the revised prompt). */
  readonly revises: boolean;
}

export const OFFLINE_PROFILE: WalkProfile = {
  strategy: 'random',
  provider: 'offline',
  model: 'poster-v1',
  size: '1024x1024',
  smallSize: '256x256',
  width: 1024,
  height: 1024,
  revises: false,
};

const PASSWORD = 'correct horse battery';

/** An SDK call's outcome, as openapi-fetch gives it. */
interface Outcome<T = unknown> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Asserts the status (showing the body when it differs) and gives the outcome with its data. */
function answered<T>(outcome: Outcome<T>, status: number): Outcome<T> & { data: T } {
  const { response } = outcome;
  if (response.status !== status) {
    expect({ status: response.status, body: outcome.error ?? outcome.data }).toEqual({ status });
  }
  return { ...outcome, data: outcome.data as T };
}

interface Member {
  readonly id: string;
  readonly email: string;
  readonly client: ImageForgeClient;
}

/**
 * SDK clients on the app under test. Each remembers which request each response answered, so the
 * spec conformance check (made for supertest) can find the operation; and the latest response per
 * operation path, for what an iterator hides (the event stream's headers).
 */
class WalkClients {
  private readonly requests = new WeakMap<Response, Request>();
  private readonly latest = new Map<string, Response>();
  private accounts = 0;
  readonly anonymous: ImageForgeClient;

  constructor(
    private readonly baseUrl: string,
    private readonly spec: SpecConformance,
  ) {
    this.anonymous = this.client();
  }

  client(token?: string): ImageForgeClient {
    const client = createClient({ baseUrl: this.baseUrl, token: () => token });
    client.use({
      onResponse: ({ request, response, schemaPath }) => {
        this.requests.set(response, request);
        this.latest.set(`${request.method} ${schemaPath}`, response);
      },
    });
    return client;
  }

  async signUp(email?: string): Promise<Member> {
    const address = email ?? `user${++this.accounts}-${Date.now()}@example.com`;
    const res = answered(
      await this.anonymous.POST('/api/v1/auth/register', {
        body: { email: address, password: PASSWORD },
      }),
      201,
    );
    this.check(res);
    return { id: res.data.user.id, email: address, client: this.client(res.data.accessToken) };
  }

  lastResponse(method: string, schemaPath: string): Response | undefined {
    return this.latest.get(`${method} ${schemaPath}`);
  }

  /** Asserts that the answer is one the spec promises for its operation, body schema included. */
  check(outcome: Outcome): void {
    const request = this.requests.get(outcome.response);
    if (!request) throw new Error('not an answer to a request of these clients');
    const url = new URL(request.url);
    this.spec.check({
      req: { method: request.method, path: `${url.pathname}${url.search}` },
      status: outcome.response.status,
      headers: Object.fromEntries(outcome.response.headers),
      body: outcome.response.ok ? outcome.data : outcome.error,
    } as unknown as SupertestResponse);
  }
}

export function describeWalk(
  name: string,
  backend: () => Promise<WalkBackend>,
  profile: WalkProfile = OFFLINE_PROFILE,
): void {
  describe(`e2e walk (${name}): generate, browse, manage`, () => {
    let t: TestApp;
    let api: WalkClients;
    let anonymous: ImageForgeClient;
    let alice: Member;
    let bob: Member;
    let jobId: string;
    let imageId: string;
    let prompt: string;

    let stopBackend: () => Promise<void>;

    const image = () => ({ params: { path: { id: imageId } } });

    beforeAll(async () => {
      const { env, stop } = await backend();
      stopBackend = stop;
      t = await startApp(env);
      const docs = await t.http.get('/docs-json').expect(200);
      api = new WalkClients(await t.listen(), new SpecConformance(docs.body as OpenApiDocument));
      anonymous = api.anonymous;
    });
    afterAll(async () => {
      await t?.close();
      await stopBackend?.();
    });

    it('registers, signs in and reads the account', async () => {
      alice = await api.signUp('Alice@Example.com');
      const login = answered(
        await anonymous.POST('/api/v1/auth/login', {
          body: { email: 'alice@example.com', password: PASSWORD },
        }),
        200,
      );
      api.check(login);
      const me = answered(await api.client(login.data.accessToken).GET('/api/v1/auth/me'), 200);
      api.check(me);
      expect(me.data).toMatchObject({ id: alice.id, email: 'alice@example.com', role: 'user' });
      bob = await api.signUp();
    });

    it('accepts a generation with an empty body and answers 202 with the queued job', async () => {
      const res = answered(await alice.client.POST('/api/v1/generations'), 202);
      api.check(res);
      jobId = res.data.id;
      expect(res.response.headers.get('location')).toBe(`/api/v1/generations/${jobId}`);
      expect(res.data).toMatchObject({
        status: 'queued',
        request: {
          strategy: profile.strategy,
          provider: profile.provider,
          model: profile.model,
          size: profile.size,
          n: 1,
          visibility: 'public',
        },
      });
    });

    it('streams the job over SSE until it succeeds', async () => {
      const states: Generation[] = [];
      const signal = AbortSignal.timeout(30_000);
      for await (const state of followGeneration(alice.client, jobId, { signal })) {
        states.push(state);
      }
      const stream = api.lastResponse('GET', '/api/v1/generations/{id}/events');
      expect(stream?.status).toBe(200);
      expect(stream?.headers.get('content-type')).toContain('text/event-stream');
      expect(states.at(-1)?.status).toBe('succeeded');
      expect(states.map((s) => s.status)).not.toContain('failed');
      imageId = states.at(-1)!.imageIds[0];

      const job = answered(
        await alice.client.GET('/api/v1/generations/{id}', { params: { path: { id: jobId } } }),
        200,
      );
      api.check(job);
      expect(job.data).toMatchObject({ status: 'succeeded', imageIds: [imageId], attempts: 1 });
      expect(job.data).not.toHaveProperty('error');
      const { lineage } = job.data;
      expect(lineage.strategy).toBe(profile.strategy);
      // Null only until the prompt is made.
      const made = String(lineage.prompt);
      expect(made.split(' ').length).toBeGreaterThan(10);
      // The image carries the prompt the provider drew: its revision, where it revises.
      if (profile.revises) {
        expect(lineage.revisedPrompt).toEqual(expect.stringContaining(made));
        expect(lineage.revisedPrompt).not.toBe(made);
      } else {
        expect(lineage.revisedPrompt).toBeNull();
      }
      prompt = lineage.revisedPrompt ?? made;
    });

    it('shows the image in my history and in the public gallery', async () => {
      const mine = answered(await alice.client.GET('/api/v1/me/images'), 200);
      api.check(mine);
      expect(mine.data.items.map((i) => i.id)).toEqual([imageId]);

      const gallery = answered(await anonymous.GET('/api/v1/images'), 200);
      api.check(gallery);
      expect(gallery.data.items[0]).toMatchObject({
        id: imageId,
        prompt,
        visibility: 'public',
        width: profile.width,
        height: profile.height,
        jobId,
      });

      const one = answered(await anonymous.GET('/api/v1/images/{id}', image()), 200);
      api.check(one);
    });

    it('serves the content as a PNG carrying its prompt, with ETag, 304 and ranges', async () => {
      const content = (headers: Record<string, string> = {}) =>
        anonymous.GET('/api/v1/images/{id}/content', {
          ...image(),
          headers,
          parseAs: 'arrayBuffer',
        });
      const res = answered(await content(), 200);
      api.check(res);
      expect(res.response.headers.get('content-type')).toBe('image/png');
      // Shared caches may keep it but must revalidate (a cheap 304 by ETag), so that a later
      // change of visibility or a delete reaches them at once.
      expect(res.response.headers.get('cache-control')).toMatch(/^public\b.*\bno-cache\b/);
      const png = Buffer.from(res.data);
      const text = readPngText(png);
      expect(text.parameters).toContain(prompt);
      expect(JSON.parse(text['image-forge'])).toMatchObject({
        prompt,
        provider: profile.provider,
        model: profile.model,
        jobId,
        imageId,
      });
      const meta = answered(await anonymous.GET('/api/v1/images/{id}', image()), 200);
      const etag = res.response.headers.get('etag');
      expect(etag).toBe(`"${meta.data.sha256}"`);
      expect(Number(res.response.headers.get('content-length'))).toBe(meta.data.byteSize);

      answered(await content({ 'If-None-Match': String(etag) }), 304);

      const part = answered(await content({ Range: 'bytes=0-7' }), 206);
      expect(part.response.headers.get('content-range')).toBe(`bytes 0-7/${png.length}`);
      expect(Buffer.from(part.data)).toEqual(png.subarray(0, 8));

      const tail = answered(await content({ Range: 'bytes=-10' }), 206);
      expect(Buffer.from(tail.data)).toEqual(png.subarray(png.length - 10));

      const beyond = answered(await content({ Range: `bytes=${png.length}-` }), 416);
      expect(beyond.response.headers.get('content-range')).toBe(`bytes */${png.length}`);
    });

    it('serves a 256 px WebP thumbnail', async () => {
      const res = answered(
        await anonymous.GET('/api/v1/images/{id}/thumbnail', {
          ...image(),
          parseAs: 'arrayBuffer',
        }),
        200,
      );
      expect(res.response.headers.get('content-type')).toBe('image/webp');
      const meta = await sharp(Buffer.from(res.data)).metadata();
      const scale = Math.min(1, 256 / Math.max(profile.width, profile.height));
      expect(meta).toMatchObject({
        format: 'webp',
        width: Math.round(profile.width * scale),
        height: Math.round(profile.height * scale),
      });
    });

    it('finds the image by a word of its prompt', async () => {
      const word = prompt
        .split(/\W+/)
        .filter((w) => w.length > 4)
        .at(-1)!;
      const found = answered(
        await anonymous.GET('/api/v1/images', { params: { query: { q: word.toUpperCase() } } }),
        200,
      );
      api.check(found);
      expect(found.data.items.map((i) => i.id)).toEqual([imageId]);
      const none = answered(
        await anonymous.GET('/api/v1/images', { params: { query: { q: 'zzzqqqxxx' } } }),
        200,
      );
      expect(none.data.items).toEqual([]);
      const mine = answered(
        await alice.client.GET('/api/v1/me/images', { params: { query: { q: word } } }),
        200,
      );
      expect(mine.data.items).toHaveLength(1);
    });

    it('makes the image private: gone from the gallery, 404 for others, still mine', async () => {
      const res = answered(
        await alice.client.PATCH('/api/v1/images/{id}', {
          ...image(),
          body: { visibility: 'private', tags: ['sunset'] },
        }),
        200,
      );
      api.check(res);
      expect(res.data).toMatchObject({ visibility: 'private', tags: ['sunset'] });

      const gallery = answered(await anonymous.GET('/api/v1/images'), 200);
      expect(gallery.data.items).toEqual([]);
      const stranger = answered(await anonymous.GET('/api/v1/images/{id}', image()), 404);
      api.check(stranger);
      answered(await bob.client.GET('/api/v1/images/{id}', image()), 404);
      answered(await bob.client.GET('/api/v1/images/{id}/content', image()), 404);
      answered(await anonymous.GET('/api/v1/images/{id}/thumbnail', image()), 404);
      answered(
        await bob.client.PATCH('/api/v1/images/{id}', {
          ...image(),
          body: { visibility: 'public' },
        }),
        404,
      );
      answered(await bob.client.DELETE('/api/v1/images/{id}', image()), 404);
      answered(
        await bob.client.GET('/api/v1/generations/{id}', { params: { path: { id: jobId } } }),
        404,
      );
      answered(await alice.client.GET('/api/v1/images/{id}', image()), 200);
      const content = answered(
        await alice.client.GET('/api/v1/images/{id}/content', {
          ...image(),
          parseAs: 'arrayBuffer',
        }),
        200,
      );
      expect(content.response.headers.get('cache-control')).toMatch(/^private/);
      const mine = answered(
        await alice.client.GET('/api/v1/me/images', { params: { query: { tag: 'sunset' } } }),
        200,
      );
      expect(mine.data.items).toHaveLength(1);
    });

    it('deletes the image: 404 after, record and both blobs gone', async () => {
      const meta = answered(await alice.client.GET('/api/v1/images/{id}', image()), 200);
      const created = String(meta.data.createdAt);
      // Observed through the app's own blob store, whichever backend it is.
      const blobs = t.app.get(BlobStore);
      const keys = [imageKey(imageId, created), thumbnailKey(imageId, created)];
      const stored = () => Promise.all(keys.map((key) => blobs.exists(key)));
      await expect(stored()).resolves.toEqual([true, true]);

      const res = answered(await alice.client.DELETE('/api/v1/images/{id}', image()), 204);
      api.check(res);
      answered(await alice.client.GET('/api/v1/images/{id}', image()), 404);
      answered(await alice.client.GET('/api/v1/images/{id}/content', image()), 404);
      const mine = answered(await alice.client.GET('/api/v1/me/images'), 200);
      expect(mine.data.items).toEqual([]);
      await expect(stored()).resolves.toEqual([false, false]);
    });

    it('lists my generations, pages by cursor, and keeps them private to me', async () => {
      for (let i = 0; i < 2; i++) {
        answered(
          await alice.client.POST('/api/v1/generations', {
            body: { prompt: `a red kite number ${i}`, size: profile.smallSize },
          }),
          202,
        );
      }
      const first = answered(
        await alice.client.GET('/api/v1/generations', { params: { query: { limit: 2 } } }),
        200,
      );
      api.check(first);
      expect(first.data.items).toHaveLength(2);
      expect(first.data.nextCursor).toEqual(expect.any(String));
      const second = answered(
        await alice.client.GET('/api/v1/generations', {
          params: { query: { limit: 2, cursor: String(first.data.nextCursor) } },
        }),
        200,
      );
      expect(second.data.items.map((j) => j.id)).toEqual([jobId]);
      expect(second.data.nextCursor).toBeNull();
      const others = answered(await bob.client.GET('/api/v1/generations'), 200);
      expect(others.data.items).toEqual([]);
    });

    it('cancels a queued generation and refuses to cancel a finished one', async () => {
      const job = answered(
        await bob.client.POST('/api/v1/generations', {
          body: { n: 4, size: profile.smallSize },
        }),
        202,
      );
      const id = { params: { path: { id: job.data.id } } };
      const canceled = await bob.client.POST('/api/v1/generations/{id}/cancel', id);
      // The worker may have claimed it already: canceling a running job works too.
      expect(canceled.response.status).toBe(200);
      api.check(canceled);
      expect(canceled.data?.status).toBe('canceled');
      const again = answered(await bob.client.POST('/api/v1/generations/{id}/cancel', id), 409);
      api.check(again);
      const states: string[] = [];
      for await (const state of followGeneration(bob.client, job.data.id, {
        signal: AbortSignal.timeout(30_000),
      })) {
        states.push(state.status);
      }
      expect(states).toEqual(['canceled']);
      // Nothing the canceled job may have drawn is left behind.
      await sleep(500);
      const mine = answered(await bob.client.GET('/api/v1/me/images'), 200);
      expect(mine.data.items).toEqual([]);
    });

    it('describes providers and prompt datasets, and makes prompts', async () => {
      const providers = answered(await anonymous.GET('/api/v1/providers'), 200);
      api.check(providers);
      expect(providers.data.items[0]).toMatchObject({
        name: 'offline',
        configured: true,
      });
      expect(providers.data.items.find((p) => p.isDefault)).toMatchObject({
        name: profile.provider,
        configured: true,
      });
      const datasets = answered(await anonymous.GET('/api/v1/prompts/datasets'), 200);
      api.check(datasets);
      expect(datasets.data.datasets.length).toBeGreaterThanOrEqual(8);
      const makePrompt = async (body: { strategy: 'random'; theme?: string; seed: number }) =>
        answered(await alice.client.POST('/api/v1/prompts', { body }), 200);
      const made = await makePrompt({ strategy: 'random', seed: 42 });
      api.check(made);
      const again = await makePrompt({ strategy: 'random', seed: 42 });
      expect(again.data.prompt).toBe(made.data.prompt);
      const themed = await makePrompt({ strategy: 'random', theme: 'a copper robot', seed: 7 });
      expect(themed.data.prompt.startsWith('a copper robot ')).toBe(true);
    });

    it('reports health and echoes request ids', async () => {
      const live = answered(await anonymous.GET('/health/live'), 200);
      api.check(live);
      const ready = answered(
        await anonymous.GET('/health/ready', { headers: { 'X-Request-Id': 'trace-123' } }),
        200,
      );
      api.check(ready);
      expect(ready.response.headers.get('x-request-id')).toBe('trace-123');
      expect(ready.data.details).toMatchObject({
        recordStore: { status: 'up' },
        blobStore: { status: 'up' },
      });
      const generated = answered(await anonymous.GET('/health/live'), 200);
      expect(generated.response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
}
