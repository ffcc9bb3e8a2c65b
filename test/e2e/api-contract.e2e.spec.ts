import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { register, startApp, type Account, type TestApp } from '../support/app.js';
import { waitFor } from '../support/wait.js';

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  requestBody?: {
    required?: boolean;
    content: Record<string, { examples?: Record<string, { value: unknown }> }>;
  };
  responses: Record<string, { headers?: Record<string, unknown> }>;
  description?: string;
  tags?: string[];
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  tags?: { name: string }[];
  servers?: { url: string }[];
  components: {
    schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
  };
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'];

/** Polls a job until it has finished; fails unless it succeeded. */
async function waitForJob(
  http: TestApp['http'],
  account: Account,
  id: string,
): Promise<{ imageIds: string[] }> {
  const job = await waitFor(async () => {
    const res = await http.get(`/api/v1/generations/${id}`).set(account.auth).expect(200);
    const body = res.body as { status: string; imageIds: string[] };
    return ['succeeded', 'failed', 'canceled'].includes(body.status) ? body : undefined;
  }, `job ${id}`);
  expect(job.status).toBe('succeeded');
  return job;
}

/**
 * What the spec promises a generated client and what the API then does: security as declared
 * (optional auth on image reads), optional bodies, examples the API accepts, PATCH that changes
 * only what it is sent, signed content URLs for private images, Retry-After on 429.
 */
describe('API contract: spec and behaviour agree', () => {
  let t: TestApp;
  let spec: Spec;
  let alice: Account;
  let bob: Account;

  const operations = (): [string, string, Operation][] =>
    Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]): [string, string, Operation] => [method, path, op]),
    );
  const operation = (id: string): Operation => {
    const found = operations().find(([, , op]) => op.operationId === id);
    if (!found) throw new Error(`no operation ${id}`);
    return found[2];
  };

  beforeAll(async () => {
    t = await startApp({ GENERATION_MAX_ACTIVE_PER_USER: '3' });
    spec = (await t.http.get('/docs-json').expect(200)).body as Spec;
    alice = await register(t.http);
    bob = await register(t.http);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('the spec', () => {
    it('declares security on every operation: bearer, optional bearer, or none', () => {
      for (const [method, path, op] of operations()) {
        expect({ op: `${method} ${path}`, declared: Array.isArray(op.security) }).toEqual({
          op: `${method} ${path}`,
          declared: true,
        });
      }
      const optional = [{}, { bearer: [] }, { apiKey: [] }];
      for (const id of ['getImage', 'getImageContent', 'getImageThumbnail']) {
        expect(operation(id).security).toEqual(optional);
      }
      for (const id of ['listPublicImages', 'register', 'login', 'listProviders', 'getLiveness']) {
        expect(operation(id).security).toEqual([]);
      }
      expect(operation('listMyImages').security).toEqual([{ bearer: [] }, { apiKey: [] }]);
      // Credentials are managed from a session only.
      expect(operation('createApiKey').security).toEqual([{ bearer: [] }]);
    });

    it('gives every operation a description and a defined tag, and names a server', () => {
      const tags = new Set((spec.tags ?? []).map((tag) => tag.name));
      for (const [, , op] of operations()) {
        expect(op.description?.length).toBeGreaterThan(10);
        for (const tag of op.tags ?? []) expect(tags).toContain(tag);
      }
      expect(spec.servers?.length).toBeGreaterThan(0);
    });

    it('documents the content routes fully: 206, 304, 416 and their headers', () => {
      for (const id of ['getImageContent', 'getImageThumbnail']) {
        const { responses } = operation(id);
        expect(Object.keys(responses)).toEqual(
          expect.arrayContaining(['200', '206', '302', '304', '400', '403', '404', '416']),
        );
        expect(Object.keys(responses['200'].headers ?? {})).toEqual(
          expect.arrayContaining(['ETag', 'Cache-Control', 'X-Request-Id']),
        );
        expect(Object.keys(responses['206'].headers ?? {})).toContain('Content-Range');
        expect(Object.keys(responses['416'].headers ?? {})).toContain('Content-Range');
      }
      const created = operation('createGeneration').responses['202'].headers ?? {};
      expect(Object.keys(created)).toEqual(
        expect.arrayContaining(['Location', 'Idempotent-Replayed', 'X-Request-Id']),
      );
      expect(Object.keys(operation('createGeneration').responses['429'].headers ?? {})).toContain(
        'Retry-After',
      );
    });

    it('makes the generation body optional and shows no create-time defaults on update schemas', () => {
      expect(operation('createGeneration').requestBody?.required).toBe(false);
      const update = JSON.stringify(spec.components.schemas.UpdateScheduleDto);
      expect(update).not.toContain('"default"');
      const create = JSON.stringify(spec.components.schemas.CreateGenerationDto);
      expect(create).not.toContain('"default"');
      expect(spec.components.schemas.ProblemDto.required).toContain('requestId');
    });
  });

  describe('the API', () => {
    it('accepts every request example of the spec (2xx)', async () => {
      // Ids for the path parameters: one image and one schedule of the caller.
      const job = await t.http.post('/api/v1/generations').set(alice.auth).expect(202);
      const done = await waitForJob(t.http, alice, (job.body as { id: string }).id);
      const imageId = done.imageIds[0];
      const schedule = await t.http
        .post('/api/v1/schedules')
        .set(alice.auth)
        .send({ name: 'for examples', cron: '0 6 * * *' })
        .expect(201);
      const ids: Record<string, string> = {
        '/api/v1/images/{id}': imageId,
        '/api/v1/schedules/{id}': (schedule.body as { id: string }).id,
      };
      const answers: string[] = [];
      for (const [method, path, op] of operations()) {
        for (const media of Object.values(op.requestBody?.content ?? {})) {
          for (const [name, example] of Object.entries(media.examples ?? {})) {
            const url = path.replace('{id}', ids[path] ?? 'missing');
            const headers = op.security?.length ? alice.auth : {};
            const res = await t.http[method as 'post'](url)
              .set(headers)
              .send(example.value as object);
            answers.push(`${op.operationId} ${name}: ${res.status < 300 ? '2xx' : res.status}`);
            // Examples that start generations must not pile up against the in-flight cap.
            if (res.status === 202)
              await waitForJob(t.http, alice, (res.body as { id: string }).id);
          }
        }
      }
      expect(answers.length).toBeGreaterThanOrEqual(8);
      expect(answers.filter((answer) => !answer.endsWith(': 2xx'))).toEqual([]);
    });

    it('starts a generation with no body at all', async () => {
      const res = await t.http.post('/api/v1/generations').set(alice.auth).expect(202);
      expect(res.headers.location).toBe(`/api/v1/generations/${(res.body as { id: string }).id}`);
      await waitForJob(t.http, alice, (res.body as { id: string }).id);
    });

    it('reads an empty body sent as JSON as no body (as Swagger UI sends it)', async () => {
      const res = await t.http
        .post('/api/v1/generations')
        .set(alice.auth)
        .set('Content-Type', 'application/json')
        .send('')
        .expect(202);
      await waitForJob(t.http, alice, (res.body as { id: string }).id);
    });

    it('previews fire times before saving, and answers rare or impossible crons with 2xx or 400', async () => {
      const preview = await t.http
        .get('/api/v1/schedules/fire-times')
        .query({ cron: '0 9 * * 1-5', timezone: 'Europe/Paris' })
        .set(alice.auth)
        .expect(200);
      expect((preview.body as { fireTimes: string[] }).fireTimes).toHaveLength(5);
      for (const cron of ['0 0 1 1 *', '0 12 25 12 *', '0 0 29 2 *']) {
        await t.http
          .get('/api/v1/schedules/fire-times')
          .query({ cron })
          .set(alice.auth)
          .expect(200);
      }
      for (const [query, field] of [
        [{ cron: '0 0 31 2 *' }, 'cron'],
        [{ cron: '* * * * * *' }, 'cron'],
        [{ cron: '0 9 * * *', timezone: 'Mars/Olympus' }, 'timezone'],
      ] as const) {
        const res = await t.http
          .get('/api/v1/schedules/fire-times')
          .query(query)
          .set(alice.auth)
          .expect(400);
        expect((res.body as { errors: { field: string }[] }).errors[0].field).toBe(field);
      }
      // Creating and patching take the same rules: a yearly schedule is fine, 31 February is a 400.
      const yearly = await t.http
        .post('/api/v1/schedules')
        .set(alice.auth)
        .send({ name: 'new year', cron: '0 0 1 1 *' })
        .expect(201);
      await t.http
        .patch(`/api/v1/schedules/${(yearly.body as { id: string }).id}`)
        .set(alice.auth)
        .send({ cron: '0 0 31 2 *' })
        .expect(400);
    });

    it('keeps a paused schedule paused, in its time zone, when only its name changes', async () => {
      const created = await t.http
        .post('/api/v1/schedules')
        .set(alice.auth)
        .send({ name: 'paused', cron: '0 9 * * 1-5', timezone: 'Europe/Paris', enabled: false })
        .expect(201);
      const id = (created.body as { id: string }).id;
      const renamed = await t.http
        .patch(`/api/v1/schedules/${id}`)
        .set(alice.auth)
        .send({ name: 'renamed' })
        .expect(200);
      expect(renamed.body).toMatchObject({
        name: 'renamed',
        enabled: false,
        timezone: 'Europe/Paris',
        cron: '0 9 * * 1-5',
        nextFireTimes: [],
      });
    });

    it('ignores credentials on anonymous routes and refuses a bad token on optional-auth ones', async () => {
      const bad = { Authorization: 'Bearer not-a-token' };
      await t.http.get('/api/v1/images').set(bad).expect(200);
      await t.http.get('/api/v1/providers').set(bad).expect(200);
      const job = await t.http.post('/api/v1/generations').set(alice.auth).expect(202);
      const done = await waitForJob(t.http, alice, (job.body as { id: string }).id);
      const res = await t.http.get(`/api/v1/images/${done.imageIds[0]}`).set(bad).expect(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('shows a private image to its owner through signed URLs, and to nobody else', async () => {
      const job = await t.http
        .post('/api/v1/generations')
        .set(alice.auth)
        .send({ visibility: 'private', size: '256x256' })
        .expect(202);
      const done = await waitForJob(t.http, alice, (job.body as { id: string }).id);
      const id = done.imageIds[0];
      const image = (await t.http.get(`/api/v1/images/${id}`).set(alice.auth).expect(200)).body as {
        contentUrl: string;
        thumbnailUrl: string;
      };
      expect(image.contentUrl).toMatch(/\?expires=\d+&signature=[\w-]{43}$/);

      // The owner's <img>: no header, the signed URL alone.
      const content = await t.http.get(image.contentUrl).expect(200);
      expect(content.headers['content-type']).toBe('image/png');
      expect(content.headers['cache-control']).toMatch(/^private/);
      await t.http.get(image.thumbnailUrl).expect(200);
      // The same URLs come in the owner's history.
      const mine = (await t.http.get('/api/v1/me/images').set(alice.auth).expect(200)).body as {
        items: { id: string; thumbnailUrl: string }[];
      };
      expect(mine.items.find((item) => item.id === id)?.thumbnailUrl).toBe(image.thumbnailUrl);

      // Anyone else, with or without a token, without the signature: as if it did not exist.
      for (const headers of [{}, bob.auth]) {
        await t.http.get(`/api/v1/images/${id}`).set(headers).expect(404);
        await t.http.get(`/api/v1/images/${id}/content`).set(headers).expect(404);
        await t.http.get(`/api/v1/images/${id}/thumbnail`).set(headers).expect(404);
      }
      const gallery = (await t.http.get('/api/v1/images?limit=100').expect(200)).body as {
        items: { id: string }[];
      };
      expect(gallery.items.map((item) => item.id)).not.toContain(id);

      // Forged, moved or stale signatures are refused before any lookup.
      const [, query] = image.contentUrl.split('?');
      const params = new URLSearchParams(query);
      const signature = params.get('signature') ?? '';
      const expires = Number(params.get('expires'));
      const forged = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
      await t.http
        .get(`/api/v1/images/${id}/content?expires=${expires}&signature=${forged}`)
        .expect(403);
      await t.http.get(`/api/v1/images/${id}/thumbnail?${query}`).expect(403);
      await t.http
        .get(`/api/v1/images/${id}/content?expires=${expires + 3600}&signature=${signature}`)
        .expect(403);
      await t.http
        .get(
          `/api/v1/images/${id}/content?expires=${Math.floor(Date.now() / 1000) - 1}&signature=${signature}`,
        )
        .expect(403);
      const half = await t.http
        .get(`/api/v1/images/${id}/content?signature=${signature}`)
        .expect(400);
      expect(JSON.stringify(half.body)).toContain('expires');

      // Made public, its URLs are plain again.
      const made = await t.http
        .patch(`/api/v1/images/${id}`)
        .set(alice.auth)
        .send({ visibility: 'public' })
        .expect(200);
      expect((made.body as { contentUrl: string }).contentUrl).toBe(`/api/v1/images/${id}/content`);
    });

    it('answers the in-flight cap with 429 and Retry-After', async () => {
      const carol = await register(t.http);
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 5; i++) {
        const res = await t.http
          .post('/api/v1/generations')
          .set(carol.auth)
          .send({ size: '256x256' });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers['retry-after'];
      }
      expect(statuses).toContain(429);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    });
  });
});
