/**
 * Jobs that cannot hang: a provider that never answers and an image step that never returns both
 * end the job by GENERATION_TIMEOUT_MS (retried, then failed `timeout`), never left `running`, and
 * the replica goes on working and stays ready.
 *
 * The image step is made to hang with IMAGE_WORKER_TEST_HANG=1, read only by the image worker
 * script: each task blocks its worker thread for ever, as a libvips thread waiting on a lock does.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
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
  error?: { code: string; retryable: boolean };
}

const DEADLINES = {
  GENERATION_TIMEOUT_MS: '1500',
  GENERATION_MAX_ATTEMPTS: '2',
  GENERATION_RETRY_BASE_MS: '50',
};

/** Every state the job went through, to its last. */
async function statesOf(t: TestApp, user: Account, id: string): Promise<Job[]> {
  const stream = await readSse(t.app, `/api/v1/generations/${id}/events`, user.auth);
  return stream.events.map((event) => JSON.parse(event.data) as Job);
}

async function expectEndedByDeadline(t: TestApp, user: Account, id: string): Promise<void> {
  // Collecting garbage meanwhile: a deadline that a collection can drop would never end the job.
  const states = await whileCollecting(() => statesOf(t, user, id));
  expect(states.at(-1)).toMatchObject({
    status: 'failed',
    attempts: 2,
    error: { code: 'timeout', retryable: true },
  });
  // Retried once in between: running, back to queued with the timeout, running again.
  expect(states.filter((s) => s.status === 'queued' && s.error?.code === 'timeout')).toHaveLength(
    1,
  );
  const read = await t.http.get(`/api/v1/generations/${id}`).set(user.auth).expect(200);
  expect(read.body.status).toBe('failed');
  const mine = await t.http.get('/api/v1/me/images').set(user.auth).expect(200);
  expect(mine.body.items).toEqual([]);
  await t.http.get('/health/ready').expect(200);
}

describe('e2e: deadlines end jobs whatever a step is doing', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    delete process.env.IMAGE_WORKER_TEST_HANG;
    await t?.close();
    t = undefined;
  });

  it('an image step that never returns: the job ends by its deadline, and the next job runs', async () => {
    process.env.IMAGE_WORKER_TEST_HANG = '1';
    t = await startApp(DEADLINES);
    const user = await register(t.http);
    const job = await t.http
      .post('/api/v1/generations')
      .set(user.auth)
      .send({ size: '256x256' })
      .expect(202);
    await expectEndedByDeadline(t, user, job.body.id);

    // The stuck threads were abandoned and replaced: with the image step working again, the same
    // replica makes the next image.
    delete process.env.IMAGE_WORKER_TEST_HANG;
    const next = await t.http
      .post('/api/v1/generations')
      .set(user.auth)
      .send({ size: '256x256' })
      .expect(202);
    const states = await statesOf(t, user, next.body.id);
    expect(states.at(-1)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(states.at(-1)!.imageIds).toHaveLength(1);
  });

  describe('a provider that never answers', () => {
    let openai: OpenAiFake;
    let replicate: ReplicateFake;
    beforeAll(async () => {
      openai = await startOpenAiFake();
      replicate = await startReplicateFake();
    });
    afterAll(async () => {
      await openai?.close();
      await replicate?.close();
    });

    it('OpenAI: the call is abandoned at the deadline, retried, then failed `timeout`', async () => {
      openai.script(...[1, 2].map(() => ({ kind: 'hang' as const, endpoint: 'images' as const })));
      t = await startApp({
        ...DEADLINES,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: openai.baseUrl,
        OPENAI_IMAGES_PER_MINUTE: '1000',
      });
      const user = await register(t.http);
      const job = await t.http
        .post('/api/v1/generations')
        .set(user.auth)
        .send({ provider: 'openai', prompt: 'a kite over dunes' })
        .expect(202);
      await expectEndedByDeadline(t, user, job.body.id);
    });

    it('Replicate: a prediction that never ends is abandoned at the job deadline, before its own timeout', async () => {
      replicate.reset();
      replicate.behave({ kind: 'hang' });
      t = await startApp({
        ...DEADLINES,
        REPLICATE_API_TOKEN: replicate.token,
        REPLICATE_BASE_URL: replicate.baseUrl,
        REPLICATE_IMAGES_PER_MINUTE: '1000',
        // Far beyond the job's deadline: the job's deadline is what ends it.
        REPLICATE_PREDICTION_TIMEOUT_MS: '600000',
      });
      const user = await register(t.http);
      const job = await t.http
        .post('/api/v1/generations')
        .set(user.auth)
        .send({ provider: 'replicate', prompt: 'a kite over dunes' })
        .expect(202);
      await expectEndedByDeadline(t, user, job.body.id);
    });
  });
});
