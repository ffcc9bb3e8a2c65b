import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startReplicateFake, type ReplicateFake } from '../../../test/fakes/replicate.fake.js';
import { providerFailure as failure } from '../../../test/support/provider-failure.js';
import type { ProviderRequest } from '../image-provider.js';
import { createDownloader } from '../safe-download.js';
import {
  ReplicateImageProvider,
  type ReplicateImageProviderOptions,
} from './replicate.image-provider.js';

const SDXL_VERSION = '39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b';

describe('ReplicateImageProvider (real SDK against a loopback Replicate)', () => {
  let fake: ReplicateFake;

  beforeAll(async () => {
    fake = await startReplicateFake();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const provider = (options: Partial<ReplicateImageProviderOptions> = {}) =>
    new ReplicateImageProvider({
      apiToken: fake.token,
      baseUrl: fake.baseUrl,
      model: 'black-forest-labs/flux-schnell',
      concurrency: 2,
      imagesPerMinute: 1000,
      predictionTimeoutMs: 30_000,
      pollIntervalMs: 10,
      download: createDownloader(['replicate.delivery', '*.replicate.delivery'], {
        maxBytes: 1024 * 1024,
        timeoutMs: 5_000,
      }),
      ...options,
    });

  const request = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({
    prompt: 'a lighthouse in a storm',
    negativePrompt: null,
    model: 'black-forest-labs/flux-schnell',
    width: 1024,
    height: 1024,
    n: 1,
    seed: 42,
    quality: null,
    style: null,
    signal: new AbortController().signal,
    ...overrides,
  });

  it('is configured only with REPLICATE_API_TOKEN, and says so', () => {
    expect(provider({ apiToken: undefined }).status()).toEqual({
      configured: false,
      missing: ['REPLICATE_API_TOKEN'],
    });
    expect(provider().status()).toEqual({ configured: true, missing: [] });
  });

  it("declares the configured model's sizes and inputs from the model table", () => {
    const flux = provider().capabilities();
    expect(flux.defaultModel).toBe('black-forest-labs/flux-schnell');
    expect(flux.models[0]).toMatchObject({
      id: 'black-forest-labs/flux-schnell',
      defaultSize: '1024x1024',
      supportsSeed: true,
      supportsNegativePrompt: false,
      qualities: [],
      styles: [],
    });
    expect(flux.models[0].sizes).toEqual(expect.arrayContaining(['1344x768', '768x1344']));
    const sdxl = provider({ model: `stability-ai/sdxl:${SDXL_VERSION}` }).capabilities();
    expect(sdxl.models[0]).toMatchObject({
      id: `stability-ai/sdxl:${SDXL_VERSION}`,
      supportsNegativePrompt: true,
    });
  });

  it('draws with Flux: aspect ratio, number of outputs and seed; reports the prediction id', async () => {
    fake.behave({ kind: 'succeed', polls: 2 });
    const started: string[] = [];
    const images = await provider().generate(
      request({
        width: 1344,
        height: 768,
        n: 2,
        negativePrompt: 'blurry',
        onStarted: async (id) => {
          started.push(id);
        },
      }),
    );
    expect(images).toHaveLength(2);
    for (const image of images) expect(image.bytes.equals(fake.png)).toBe(true);
    expect(images.map((image) => image.seed)).toEqual([42, null]);
    expect(fake.requests[0].path).toBe('/v1/models/black-forest-labs/flux-schnell/predictions');
    expect(fake.inputs()).toEqual([
      {
        prompt: 'a lighthouse in a storm',
        aspect_ratio: '16:9',
        num_outputs: 2,
        seed: 42,
        output_format: 'png',
      },
    ]);
    expect(started).toHaveLength(1);
    expect(fake.requests.some((r) => r.path === `/v1/predictions/${started[0]}`)).toBe(true);
  });

  it('draws with an SDXL version: width, height, negative prompt', async () => {
    const images = await provider({ model: `stability-ai/sdxl:${SDXL_VERSION}` }).generate(
      request({ width: 1152, height: 896, n: 3, seed: 7, negativePrompt: 'text, watermark' }),
    );
    expect(images).toHaveLength(3);
    expect(fake.requests[0].path).toBe('/v1/predictions');
    expect(fake.requests[0].body).toMatchObject({ version: SDXL_VERSION });
    expect(fake.inputs()).toEqual([
      {
        prompt: 'a lighthouse in a storm',
        negative_prompt: 'text, watermark',
        width: 1152,
        height: 896,
        num_outputs: 3,
        seed: 7,
      },
    ]);
  });

  it('makes several images with a one-image model by several predictions, seeds counting up', async () => {
    const started: string[] = [];
    const images = await provider({ model: 'black-forest-labs/flux-1.1-pro' }).generate(
      request({
        n: 2,
        seed: 100,
        onStarted: async (id) => {
          started.push(id);
        },
      }),
    );
    expect(images.map((image) => image.seed)).toEqual([100, 101]);
    expect(fake.inputs().map((input) => [input.seed, input.num_outputs])).toEqual([
      [100, undefined],
      [101, undefined],
    ]);
    expect(new Set(started).size).toBe(2);
  });

  it('cancels the prediction when the job is canceled, and rejects with the reason', async () => {
    fake.behave({ kind: 'hang' });
    const controller = new AbortController();
    const reason = new Error('canceled by the user');
    let predictionId = '';
    const error = await provider()
      .generate(
        request({
          signal: controller.signal,
          onStarted: async (id) => {
            predictionId = id;
            setTimeout(() => controller.abort(reason), 30);
          },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(fake.cancels).toEqual([predictionId]);
  });

  it('fails a failed prediction with its error, not to be retried', async () => {
    fake.behave({ kind: 'fail', error: 'CUDA out of patience', polls: 1 });
    const error = await failure(provider().generate(request()));
    expect(error).toMatchObject({ code: 'prediction_failed', retryable: false });
    expect(error.message).toContain('CUDA out of patience');
  });

  it('cancels a prediction that never finishes and reports a retryable timeout', async () => {
    fake.behave({ kind: 'hang' });
    let predictionId = '';
    const error = await failure(
      provider({ predictionTimeoutMs: 300 }).generate(
        request({
          onStarted: async (id) => {
            predictionId = id;
          },
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(fake.cancels).toEqual([predictionId]);
  });

  it('reports a 429 as rate_limited with the Retry-After delay', async () => {
    fake.behave({ kind: 'rate_limited', retryAfterSeconds: 7 });
    const error = await failure(provider().generate(request()));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 7000 });
  });

  it('reports a 500 as a retryable provider_error', async () => {
    fake.behave({ kind: 'server_error' });
    const error = await failure(provider().generate(request()));
    expect(error).toMatchObject({ code: 'provider_error', retryable: true });
  });

  it('reports a refused token as provider_auth, not to be retried', async () => {
    const error = await failure(provider({ apiToken: 'r8_wrong' }).generate(request()));
    expect(error).toMatchObject({ code: 'provider_auth', retryable: false });
    expect(error.message).toMatch(/REPLICATE_API_TOKEN/);
  });

  it('reports an unreachable API as a retryable provider_error', async () => {
    const error = await failure(provider({ baseUrl: 'http://127.0.0.1:1/v1' }).generate(request()));
    expect(error).toMatchObject({ code: 'provider_error', retryable: true });
  });
});
