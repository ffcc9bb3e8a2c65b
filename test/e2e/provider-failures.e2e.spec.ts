import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai.fake.js';
import { startReplicateFake, type ReplicateFake } from '../fakes/replicate.fake.js';
import { register, startApp, type Account, type TestApp } from '../support/app.js';
import { whileCollecting } from '../support/gc.js';
import { readSse } from '../support/sse.js';

interface Job {
  id: string;
  status: string;
  attempts: number;
  imageIds: string[];
  providerRef: string | null;
  error?: { code: string; message: string; retryable: boolean };
}

const RETRY_FAST = {
  GENERATION_RETRY_BASE_MS: '50',
  GENERATION_MAX_ATTEMPTS: '3',
  GENERATION_TIMEOUT_MS: '3000',
};

async function finish(t: TestApp, user: Account, id: string): Promise<Job> {
  const stream = await readSse(t.app, `/api/v1/generations/${id}/events`, user.auth);
  return JSON.parse(stream.events.at(-1)!.data) as Job;
}

async function expectNothingStored(t: TestApp, user: Account): Promise<void> {
  const mine = await t.http.get('/api/v1/me/images').set(user.auth).expect(200);
  expect(mine.body.items).toEqual([]);
}

/** Provider failures through the whole app: each ends as specified, and nothing is left behind. */
describe('e2e: OpenAI failures', () => {
  let fake: OpenAiFake;
  let t: TestApp;
  let user: Account;
  beforeAll(async () => {
    fake = await startOpenAiFake();
    t = await startApp({
      ...RETRY_FAST,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_IMAGES_PER_MINUTE: '1000',
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(async () => {
    user = await register(t.http);
  });
  const generate = (body: object = {}) =>
    t.http
      .post('/api/v1/generations')
      .set(user.auth)
      .send({ provider: 'openai', prompt: 'a kite over dunes', ...body })
      .expect(202);

  it('retries a 429 after its Retry-After and succeeds', async () => {
    fake.script({ kind: 'rate_limited', retryAfter: '1', endpoint: 'images' });
    const job = await finish(t, user, (await generate()).body.id);
    expect(job).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(job.imageIds).toHaveLength(1);
  });

  it('ends a content-policy refusal as content_policy with the provider message, without retrying', async () => {
    fake.script({
      kind: 'content_policy',
      message: 'Your request was rejected by our safety system.',
      endpoint: 'images',
    });
    const job = await finish(t, user, (await generate()).body.id);
    expect(job).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: {
        code: 'content_policy',
        retryable: false,
        message: expect.stringContaining('safety system'),
      },
    });
    await expectNothingStored(t, user);
  });

  it('gives up on repeated 500s after the last attempt, marked retryable', async () => {
    fake.script(
      ...[1, 2, 3].map(() => ({ kind: 'server_error' as const, endpoint: 'images' as const })),
    );
    const job = await finish(t, user, (await generate()).body.id);
    expect(job).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: { code: 'provider_error', retryable: true },
    });
    await expectNothingStored(t, user);
  });

  it('refuses truncated and non-image bytes as invalid_image', async () => {
    for (const kind of ['truncated', 'not_image'] as const) {
      fake.script({ kind, endpoint: 'images' });
      const job = await finish(t, user, (await generate()).body.id);
      expect(job).toMatchObject({
        status: 'failed',
        error: { code: 'invalid_image', retryable: false },
      });
    }
    await expectNothingStored(t, user);
  });

  it('times out a hanging call, retries, and reports the timeout', async () => {
    fake.script(...[1, 2, 3].map(() => ({ kind: 'hang' as const, endpoint: 'images' as const })));
    // Collecting garbage meanwhile: a deadline that a collection can drop would never end it.
    const id = (await generate()).body.id;
    const job = await whileCollecting(() => finish(t, user, id));
    expect(job).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: { code: 'timeout', retryable: true },
    });
    await expectNothingStored(t, user);
  });

  it('validates OpenAI capabilities at accept time', async () => {
    const bad = await t.http
      .post('/api/v1/generations')
      .set(user.auth)
      .send({ provider: 'openai', model: 'dall-e-3', size: '256x256' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('size');
    const style = await t.http
      .post('/api/v1/generations')
      .set(user.auth)
      .send({ provider: 'openai', model: 'dall-e-2', style: 'vivid' });
    expect(style.body.errors[0].field).toBe('style');
    const unconfigured = await t.http
      .post('/api/v1/generations')
      .set(user.auth)
      .send({ provider: 'replicate' });
    expect(unconfigured.status).toBe(400);
    expect(unconfigured.body.errors[0]).toMatchObject({
      field: 'provider',
      message: expect.stringContaining('REPLICATE_API_TOKEN'),
    });
    const providers = await t.http.get('/api/v1/providers').expect(200);
    const openai = providers.body.items.find((p: { name: string }) => p.name === 'openai');
    expect(openai).toMatchObject({
      configured: true,
      limits: { concurrency: 2, imagesPerMinute: 1000 },
    });
    expect(openai.models.map((m: { id: string }) => m.id)).toEqual([
      'gpt-image-1',
      'dall-e-3',
      'dall-e-2',
    ]);
  });
});

describe('e2e: Replicate failures and cancel', () => {
  let fake: ReplicateFake;
  let t: TestApp;
  let user: Account;
  beforeAll(async () => {
    fake = await startReplicateFake();
    t = await startApp({
      ...RETRY_FAST,
      GENERATION_TIMEOUT_MS: '20000',
      REPLICATE_API_TOKEN: fake.token,
      REPLICATE_BASE_URL: fake.baseUrl,
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(async () => {
    fake.reset();
    user = await register(t.http);
  });
  const generate = () =>
    t.http.post('/api/v1/generations').set(user.auth).send({ provider: 'replicate' }).expect(202);

  it('ends a failed prediction as prediction_failed, keeping the prediction id on the job', async () => {
    fake.behave({ kind: 'fail', error: 'CUDA out of memory' });
    const job = await finish(t, user, (await generate()).body.id);
    expect(job).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'prediction_failed', message: expect.stringContaining('CUDA') },
    });
    expect(job.providerRef).toEqual(expect.any(String));
    await expectNothingStored(t, user);
  });

  it('cancels the prediction when the job is canceled', async () => {
    fake.behave({ kind: 'hang' });
    const { body } = await generate();
    const deadline = Date.now() + 10_000;
    let running: Job;
    do {
      running = (await t.http.get(`/api/v1/generations/${body.id}`).set(user.auth).expect(200))
        .body as Job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    } while (!running.providerRef && Date.now() < deadline);
    expect(running.providerRef).toEqual(expect.any(String));
    await t.http.post(`/api/v1/generations/${body.id}/cancel`).set(user.auth).expect(200);
    const until = Date.now() + 10_000;
    while (!fake.cancels.includes(running.providerRef!) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(fake.cancels).toContain(running.providerRef);
    await expectNothingStored(t, user);
  });
});
