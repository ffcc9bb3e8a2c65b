import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { readPngText } from '../../src/common/png-text.js';
import { imageKey, thumbnailKey } from '../../src/storage/blobs/blob-keys.js';
import { BlobStore } from '../../src/storage/blobs/blob-store.js';
import { register, startApp, type Account, type TestApp } from '../support/app.js';
import { SpecConformance, type OpenApiDocument } from '../support/openapi.js';
import { readSse } from '../support/sse.js';

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  done: (e: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk) => chunks.push(chunk as Buffer));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/**
 * The core walk of the issue, over HTTP against the real app, each 2xx body checked against the
 * published OpenAPI spec: register → login → generate (empty body) → follow SSE → history and
 * gallery → content and thumbnail → search → private → delete.
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

export function describeWalk(
  name: string,
  backend: () => Promise<WalkBackend>,
  profile: WalkProfile = OFFLINE_PROFILE,
): void {
  describe(`e2e walk (${name}): generate, browse, manage`, () => {
    let t: TestApp;
    let spec: SpecConformance;
    let alice: Account;
    let bob: Account;
    let jobId: string;
    let imageId: string;
    let prompt: string;

    let stopBackend: () => Promise<void>;

    beforeAll(async () => {
      const { env, stop } = await backend();
      stopBackend = stop;
      t = await startApp(env);
      const docs = await t.http.get('/docs-json').expect(200);
      spec = new SpecConformance(docs.body as OpenApiDocument);
    });
    afterAll(async () => {
      await t?.close();
      await stopBackend?.();
    });

    it('registers, signs in and reads the account', async () => {
      alice = await register(t.http, 'Alice@Example.com');
      const login = await t.http
        .post('/api/v1/auth/login')
        .send({ email: 'alice@example.com', password: 'correct horse battery' })
        .expect(200);
      spec.check(login);
      const me = await t.http
        .get('/api/v1/auth/me')
        .set('Authorization', `Bearer ${login.body.accessToken}`)
        .expect(200);
      spec.check(me);
      expect(me.body).toMatchObject({ id: alice.id, email: 'alice@example.com', role: 'user' });
      bob = await register(t.http);
    });

    it('accepts a generation with an empty body and answers 202 with the queued job', async () => {
      const res = await t.http.post('/api/v1/generations').set(alice.auth).expect(202);
      spec.check(res);
      jobId = res.body.id;
      expect(res.headers.location).toBe(`/api/v1/generations/${jobId}`);
      expect(res.body).toMatchObject({
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
      const stream = await readSse(t.app, `/api/v1/generations/${jobId}/events`, alice.auth);
      expect({ status: stream.status, body: stream.status === 200 ? '' : stream.body }).toEqual({
        status: 200,
        body: '',
      });
      expect(stream.contentType).toContain('text/event-stream');
      const states = stream.events.map(
        (e) => JSON.parse(e.data) as { status: string; imageIds: string[] },
      );
      expect(states.at(-1)?.status).toBe('succeeded');
      expect(states.map((s) => s.status)).not.toContain('failed');
      imageId = states.at(-1)!.imageIds[0];

      const job = await t.http.get(`/api/v1/generations/${jobId}`).set(alice.auth).expect(200);
      spec.check(job);
      expect(job.body).toMatchObject({ status: 'succeeded', imageIds: [imageId], attempts: 1 });
      expect(job.body).not.toHaveProperty('error');
      const { lineage } = job.body;
      expect(lineage.strategy).toBe(profile.strategy);
      expect(lineage.prompt.split(' ').length).toBeGreaterThan(10);
      // The image carries the prompt the provider drew: its revision, where it revises.
      if (profile.revises) {
        expect(lineage.revisedPrompt).toEqual(expect.stringContaining(lineage.prompt));
        expect(lineage.revisedPrompt).not.toBe(lineage.prompt);
      } else {
        expect(lineage.revisedPrompt).toBeNull();
      }
      prompt = lineage.revisedPrompt ?? lineage.prompt;
    });

    it('shows the image in my history and in the public gallery', async () => {
      const mine = await t.http.get('/api/v1/me/images').set(alice.auth).expect(200);
      spec.check(mine);
      expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([imageId]);

      const gallery = await t.http.get('/api/v1/images').expect(200);
      spec.check(gallery);
      expect(gallery.body.items[0]).toMatchObject({
        id: imageId,
        prompt,
        visibility: 'public',
        width: profile.width,
        height: profile.height,
        jobId,
      });

      const one = await t.http.get(`/api/v1/images/${imageId}`).expect(200);
      spec.check(one);
    });

    it('serves the content as a PNG carrying its prompt, with ETag, 304 and ranges', async () => {
      const res = await t.http
        .get(`/api/v1/images/${imageId}/content`)
        .buffer(true)
        .parse(binary)
        .expect(200);
      spec.check(res);
      expect(res.headers['content-type']).toBe('image/png');
      expect(res.headers['cache-control']).toContain('immutable');
      const png = res.body as Buffer;
      const text = readPngText(png);
      expect(text.parameters).toContain(prompt);
      expect(JSON.parse(text['image-forge'])).toMatchObject({
        prompt,
        provider: profile.provider,
        model: profile.model,
        jobId,
        imageId,
      });
      const meta = await t.http.get(`/api/v1/images/${imageId}`).expect(200);
      expect(res.headers.etag).toBe(`"${meta.body.sha256}"`);
      expect(Number(res.headers['content-length'])).toBe(meta.body.byteSize);

      await t.http
        .get(`/api/v1/images/${imageId}/content`)
        .set('If-None-Match', res.headers.etag)
        .expect(304);

      const part = await t.http
        .get(`/api/v1/images/${imageId}/content`)
        .set('Range', 'bytes=0-7')
        .buffer(true)
        .parse(binary)
        .expect(206);
      expect(part.headers['content-range']).toBe(`bytes 0-7/${png.length}`);
      expect(part.body).toEqual(png.subarray(0, 8));

      const tail = await t.http
        .get(`/api/v1/images/${imageId}/content`)
        .set('Range', 'bytes=-10')
        .buffer(true)
        .parse(binary)
        .expect(206);
      expect(tail.body).toEqual(png.subarray(png.length - 10));

      const beyond = await t.http
        .get(`/api/v1/images/${imageId}/content`)
        .set('Range', `bytes=${png.length}-`)
        .expect(416);
      expect(beyond.headers['content-range']).toBe(`bytes */${png.length}`);
    });

    it('serves a 256 px WebP thumbnail', async () => {
      const res = await t.http
        .get(`/api/v1/images/${imageId}/thumbnail`)
        .buffer(true)
        .parse(binary)
        .expect(200);
      expect(res.headers['content-type']).toBe('image/webp');
      const meta = await sharp(res.body as Buffer).metadata();
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
      const found = await t.http.get('/api/v1/images').query({ q: word.toUpperCase() }).expect(200);
      spec.check(found);
      expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([imageId]);
      const none = await t.http.get('/api/v1/images').query({ q: 'zzzqqqxxx' }).expect(200);
      expect(none.body.items).toEqual([]);
      const mine = await t.http
        .get('/api/v1/me/images')
        .set(alice.auth)
        .query({ q: word })
        .expect(200);
      expect(mine.body.items).toHaveLength(1);
    });

    it('makes the image private: gone from the gallery, 404 for others, still mine', async () => {
      const res = await t.http
        .patch(`/api/v1/images/${imageId}`)
        .set(alice.auth)
        .send({ visibility: 'private', tags: ['sunset'] })
        .expect(200);
      spec.check(res);
      expect(res.body).toMatchObject({ visibility: 'private', tags: ['sunset'] });

      const gallery = await t.http.get('/api/v1/images').expect(200);
      expect(gallery.body.items).toEqual([]);
      const anonymous = await t.http.get(`/api/v1/images/${imageId}`).expect(404);
      spec.check(anonymous);
      await t.http.get(`/api/v1/images/${imageId}`).set(bob.auth).expect(404);
      await t.http.get(`/api/v1/images/${imageId}/content`).set(bob.auth).expect(404);
      await t.http.get(`/api/v1/images/${imageId}/thumbnail`).expect(404);
      await t.http
        .patch(`/api/v1/images/${imageId}`)
        .set(bob.auth)
        .send({ visibility: 'public' })
        .expect(404);
      await t.http.delete(`/api/v1/images/${imageId}`).set(bob.auth).expect(404);
      await t.http.get(`/api/v1/generations/${jobId}`).set(bob.auth).expect(404);
      await t.http.get(`/api/v1/images/${imageId}`).set(alice.auth).expect(200);
      const content = await t.http
        .get(`/api/v1/images/${imageId}/content`)
        .set(alice.auth)
        .expect(200);
      expect(content.headers['cache-control']).toMatch(/^private/);
      const mine = await t.http
        .get('/api/v1/me/images')
        .set(alice.auth)
        .query({ tag: 'sunset' })
        .expect(200);
      expect(mine.body.items).toHaveLength(1);
    });

    it('deletes the image: 404 after, record and both blobs gone', async () => {
      const meta = await t.http.get(`/api/v1/images/${imageId}`).set(alice.auth).expect(200);
      const created = String(meta.body.createdAt);
      // Observed through the app's own blob store, whichever backend it is.
      const blobs = t.app.get(BlobStore);
      const keys = [imageKey(imageId, created), thumbnailKey(imageId, created)];
      const stored = () => Promise.all(keys.map((key) => blobs.exists(key)));
      await expect(stored()).resolves.toEqual([true, true]);

      const res = await t.http.delete(`/api/v1/images/${imageId}`).set(alice.auth).expect(204);
      spec.check(res);
      await t.http.get(`/api/v1/images/${imageId}`).set(alice.auth).expect(404);
      await t.http.get(`/api/v1/images/${imageId}/content`).set(alice.auth).expect(404);
      const mine = await t.http.get('/api/v1/me/images').set(alice.auth).expect(200);
      expect(mine.body.items).toEqual([]);
      await expect(stored()).resolves.toEqual([false, false]);
    });

    it('lists my generations, pages by cursor, and keeps them private to me', async () => {
      for (let i = 0; i < 2; i++) {
        await t.http
          .post('/api/v1/generations')
          .set(alice.auth)
          .send({ prompt: `a red kite number ${i}`, size: profile.smallSize })
          .expect(202);
      }
      const first = await t.http
        .get('/api/v1/generations')
        .set(alice.auth)
        .query({ limit: 2 })
        .expect(200);
      spec.check(first);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await t.http
        .get('/api/v1/generations')
        .set(alice.auth)
        .query({ limit: 2, cursor: first.body.nextCursor })
        .expect(200);
      expect(second.body.items.map((j: { id: string }) => j.id)).toEqual([jobId]);
      expect(second.body.nextCursor).toBeNull();
      const others = await t.http.get('/api/v1/generations').set(bob.auth).expect(200);
      expect(others.body.items).toEqual([]);
    });

    it('cancels a queued generation and refuses to cancel a finished one', async () => {
      const job = await t.http
        .post('/api/v1/generations')
        .set(bob.auth)
        .send({ n: 4, size: profile.smallSize })
        .expect(202);
      const canceled = await t.http.post(`/api/v1/generations/${job.body.id}/cancel`).set(bob.auth);
      // The worker may have claimed it already: canceling a running job works too.
      expect(canceled.status).toBe(200);
      spec.check(canceled);
      expect(canceled.body.status).toBe('canceled');
      const again = await t.http
        .post(`/api/v1/generations/${job.body.id}/cancel`)
        .set(bob.auth)
        .expect(409);
      spec.check(again);
      const stream = await readSse(t.app, `/api/v1/generations/${job.body.id}/events`, bob.auth);
      expect(stream.events.map((e) => (JSON.parse(e.data) as { status: string }).status)).toEqual([
        'canceled',
      ]);
      // Nothing the canceled job may have drawn is left behind.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const mine = await t.http.get('/api/v1/me/images').set(bob.auth).expect(200);
      expect(mine.body.items).toEqual([]);
    });

    it('describes providers and prompt datasets, and makes prompts', async () => {
      const providers = await t.http.get('/api/v1/providers').expect(200);
      spec.check(providers);
      expect(providers.body.items[0]).toMatchObject({
        name: 'offline',
        configured: true,
      });
      expect(providers.body.items.find((p: { isDefault: boolean }) => p.isDefault)).toMatchObject({
        name: profile.provider,
        configured: true,
      });
      const datasets = await t.http.get('/api/v1/prompts/datasets').expect(200);
      spec.check(datasets);
      expect(datasets.body.datasets.length).toBeGreaterThanOrEqual(8);
      const made = await t.http
        .post('/api/v1/prompts')
        .set(alice.auth)
        .send({ strategy: 'random', seed: 42 })
        .expect(200);
      spec.check(made);
      const again = await t.http
        .post('/api/v1/prompts')
        .set(alice.auth)
        .send({ strategy: 'random', seed: 42 })
        .expect(200);
      expect(again.body.prompt).toBe(made.body.prompt);
      const themed = await t.http
        .post('/api/v1/prompts')
        .set(alice.auth)
        .send({ strategy: 'random', theme: 'a copper robot', seed: 7 })
        .expect(200);
      expect(themed.body.prompt.startsWith('a copper robot ')).toBe(true);
    });

    it('reports health and echoes request ids', async () => {
      const live = await t.http.get('/health/live').expect(200);
      spec.check(live);
      const ready = await t.http.get('/health/ready').set('X-Request-Id', 'trace-123').expect(200);
      spec.check(ready);
      expect(ready.headers['x-request-id']).toBe('trace-123');
      expect(ready.body.details).toMatchObject({
        recordStore: { status: 'up' },
        blobStore: { status: 'up' },
      });
      const generated = await t.http.get('/health/live').expect(200);
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
}
