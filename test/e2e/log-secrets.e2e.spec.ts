import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type * as PinoModule from 'pino';
import type { OpenAiFake } from '../fakes/openai.fake.js';
import type { ReplicateFake } from '../fakes/replicate.fake.js';
import type { TestApp } from '../support/app.js';

/*
 * Every line the service logs, captured at the source: the root logger `createRootLogger` builds
 * (Fastify's request logs and Nest's, through `PinoNestLogger`) is the real one, with its real
 * options and redaction; only its destination is this stream instead of stdout. Pino is the one
 * module replaced, and only to add that destination.
 */
const lines: string[] = [];
const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});
const realPino = await import('pino');
const capturingPino = Object.assign(
  (options: PinoModule.LoggerOptions) => realPino.pino(options, capture),
  realPino.pino,
  { destination: () => capture },
);
jest.unstable_mockModule('pino', () => ({
  ...realPino,
  default: capturingPino,
  pino: capturingPino,
}));
const { register, startApp } = await import('../support/app.js');
const { flushLogsSync } = await import('../../src/common/logging.js');
const { readSse } = await import('../support/sse.js');
const { startOpenAiFake } = await import('../fakes/openai.fake.js');
const { startReplicateFake } = await import('../fakes/replicate.fake.js');

const secret = (prefix: string) => `${prefix}${randomBytes(24).toString('hex')}`;

/** Every secret the service is given, each unique enough that any appearance is a leak. */
const SECRETS = {
  JWT_SECRET: secret('jwt-'),
  OPENAI_API_KEY: secret('sk-proj-'),
  REPLICATE_API_TOKEN: secret('r8_'),
  METRICS_TOKEN: secret('metrics-'),
  // Set, though their backends are not in use here (BLOB_DRIVER=local, DATABASE_DRIVER=sqlite):
  // a boot that logged its configuration would show them.
  AWS_ACCESS_KEY_ID: secret('AKIA'),
  AWS_SECRET_ACCESS_KEY: secret('aws-'),
  AZURE_STORAGE_ACCOUNT_KEY: secret('azkey-'),
  AZURE_STORAGE_SAS_TOKEN: `sv=2024-01-01&sig=${secret('azsig')}`,
  COSMOS_KEY: secret('cosmos-'),
};
/** Secrets inside settings: the password of a connection string. */
const MONGO_PASSWORD = secret('mongo-');
const ENV = {
  ...SECRETS,
  MONGODB_URI: `mongodb://app:${MONGO_PASSWORD}@127.0.0.1:1/image-forge`,
};
const PASSWORD = `pass ${secret('word-')}`;

interface Job {
  id: string;
  status: string;
  imageIds: string[];
  error?: { code: string };
}

describe('e2e: no secret in any log line', () => {
  let t: TestApp;
  let openai: OpenAiFake;
  let replicate: ReplicateFake;
  /** Values that must never be logged, beyond SECRETS: tokens and keys handed out to clients. */
  const issued: string[] = [];
  const jobIds: string[] = [];

  beforeAll(async () => {
    openai = await startOpenAiFake();
    replicate = await startReplicateFake({ token: SECRETS.REPLICATE_API_TOKEN });
    t = await startApp({
      ...ENV,
      LOG_LEVEL: 'trace',
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_IMAGES_PER_MINUTE: '1000',
      REPLICATE_BASE_URL: replicate.baseUrl,
      REPLICATE_IMAGES_PER_MINUTE: '1000',
      AZURE_STORAGE_ACCOUNT_URL: 'https://account.blob.core.windows.net',
      GENERATION_RETRY_BASE_MS: '50',
      GENERATION_MAX_ATTEMPTS: '1',
    });
  });
  afterAll(async () => {
    await t?.close();
    await openai?.close();
    await replicate?.close();
  });

  async function settle(auth: Record<string, string>, body: object): Promise<Job> {
    const accepted = await t.http.post('/api/v1/generations').set(auth).send(body).expect(202);
    jobIds.push(accepted.body.id as string);
    const stream = await readSse(t.app, `/api/v1/generations/${accepted.body.id}/events`, auth);
    return JSON.parse(stream.events.at(-1)!.data) as Job;
  }

  it('signs in, generates through each keyed provider, fails a provider call, and logs none of it', async () => {
    const user = await register(t.http);
    issued.push(user.token);
    const changed = await t.http
      .post('/api/v1/auth/password')
      .set(user.auth)
      .send({ currentPassword: 'correct horse battery', newPassword: PASSWORD })
      .expect(200);
    issued.push(changed.body.accessToken, changed.body.refreshToken);
    const login = await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: PASSWORD })
      .expect(200);
    const auth = { Authorization: `Bearer ${login.body.accessToken}` };
    issued.push(login.body.accessToken, login.body.refreshToken);
    const wrongPassword = `wrong ${secret('pw-')}`;
    await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: wrongPassword })
      .expect(401);
    issued.push(wrongPassword);
    const refreshed = await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: login.body.refreshToken })
      .expect(200);
    issued.push(refreshed.body.accessToken, refreshed.body.refreshToken);
    const key = await t.http
      .post('/api/v1/auth/api-keys')
      .set(auth)
      .send({ name: 'ci', scopes: ['images:read', 'generations:write'] })
      .expect(201);
    issued.push(key.body.key as string);
    await t.http
      .get('/api/v1/me/images')
      .set({ Authorization: `Bearer ${key.body.key}` })
      .expect(200);

    // OpenAI, prompt by the LLM strategy (chat) and image; then Replicate.
    const viaOpenAi = await settle(auth, {
      provider: 'openai',
      model: 'dall-e-2',
      strategy: 'llm',
    });
    expect(viaOpenAi.status).toBe('succeeded');
    const viaReplicate = await settle(auth, { provider: 'replicate', prompt: 'a fern' });
    expect(viaReplicate.status).toBe('succeeded');

    // A provider that answers 401 quoting the key it was sent, as some compatible servers do.
    openai.script({
      kind: 'error',
      status: 401,
      endpoint: 'images',
      body: {
        error: {
          message: `Incorrect API key provided: ${SECRETS.OPENAI_API_KEY}`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      },
    });
    const failed = await settle(auth, { provider: 'openai', model: 'dall-e-2', prompt: 'a kite' });
    expect(failed.status).toBe('failed');
    // Replicate failing its prediction with a message that quotes its token.
    replicate.behave({ kind: 'fail', error: `bad token ${SECRETS.REPLICATE_API_TOKEN}` });
    const failedPrediction = await settle(auth, { provider: 'replicate', prompt: 'a moth' });
    expect(failedPrediction.status).toBe('failed');

    // A private image, read by its signed content URL (the signature is a capability).
    const image = await t.http
      .patch(`/api/v1/images/${viaReplicate.imageIds[0]}`)
      .set(auth)
      .send({ visibility: 'private' })
      .expect(200);
    const signed = new URL(image.body.contentUrl as string, 'http://localhost');
    const signature = signed.searchParams.get('signature');
    expect(signature).toEqual(expect.any(String));
    issued.push(signature!);
    await t.http.get(`${signed.pathname}${signed.search}`).expect(200);

    // Bad credentials in headers, and the metrics scrape with its token.
    await t.http.get('/api/v1/auth/me').set({ Authorization: `Bearer ${secret('forged-')}` });
    await t.http
      .get('/metrics')
      .set({ Authorization: `Bearer ${SECRETS.METRICS_TOKEN}` })
      .expect(200);
    await t.http
      .get('/api/v1/auth/me')
      .set(auth)
      .set('cookie', `session=${secret('cookie-')}`);
    await t.http.get('/api/v1/auth/me').set(auth).expect(200);
    // Lines are written in batches: out with the rest, as on exit.
    flushLogsSync();
  });

  it('captured the logs at all: requests, job outcomes with their job id', () => {
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.some((entry) => typeof (entry.req as { url?: unknown })?.url === 'string')).toBe(
      true,
    );
    for (const jobId of jobIds) {
      const outcome = parsed.find(
        (entry) =>
          entry.jobId === jobId &&
          typeof entry.msg === 'string' &&
          /^generation (succeeded|failed)/.test(entry.msg),
      );
      expect(outcome).toBeDefined();
      expect(outcome!.level as number).toBeGreaterThanOrEqual(30);
    }
  });

  it('shows no secret, password, token, key or Authorization value in any line', () => {
    const text = lines.join('\n');
    const forbidden = [...Object.values(SECRETS), MONGO_PASSWORD, PASSWORD, ...issued];
    // Long enough to be one of ours: a random 48-hex tail cannot appear by chance.
    for (const value of forbidden) {
      expect(value.length).toBeGreaterThan(16);
      const leaks = lines.filter(
        (line) => line.includes(value) || line.includes(JSON.stringify(value).slice(1, -1)),
      );
      expect({ value: value.slice(0, 12), leaks }).toEqual({
        value: value.slice(0, 12),
        leaks: [],
      });
    }
    // The signed URL's request is logged, its path kept and its signature not.
    expect(text).toMatch(/"url":"\/api\/v1\/images\/[^"]+\/content\?[^"]*signature=\[redacted\]/);
    expect(text).not.toMatch(/Bearer [A-Za-z0-9._-]{8,}/);
    expect(text).not.toMatch(/"authorization":"(?!\[redacted\])/i);
    expect(text).not.toMatch(/"cookie":"(?!\[redacted\])/i);
  });

  it('carries the job id on every application line that names a job', () => {
    const application = lines
      .map((line) => ({ line, entry: JSON.parse(line) as Record<string, unknown> }))
      // Application lines (Nest's loggers have a context); request logs name paths, not jobs.
      .filter(({ entry }) => typeof entry.context === 'string');
    for (const id of jobIds) expect(application.some(({ entry }) => entry.jobId === id)).toBe(true);
    const missing = application
      .filter(({ line, entry }) => jobIds.some((id) => line.includes(id) && entry.jobId !== id))
      .map(({ line }) => line);
    expect(missing).toEqual([]);
  });
});
