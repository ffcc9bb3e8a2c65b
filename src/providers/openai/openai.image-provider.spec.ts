import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import {
  expectAbortedInFlight,
  startOpenAiFake,
  type OpenAiFake,
} from '../../../test/fakes/openai.fake.js';
import { providerFailure as failure } from '../../../test/support/provider-failure.js';
import { InvalidImageError, processImage } from '../../generations/image-processing.js';
import type { ProviderImage, ProviderRequest } from '../image-provider.js';
import { withLimits } from '../provider-limiter.js';
import type { Downloader } from '../safe-download.js';
import { OpenAiImageProvider, type OpenAiImageProviderOptions } from './openai.image-provider.js';

let fake: OpenAiFake;
const downloaded: string[] = [];

/** Test-only downloader (production injects the SSRF-safe one): plain fetch from the fake. */
const download: Downloader = async (url, signal) => {
  downloaded.push(url);
  const response = await fetch(url, { signal });
  return Buffer.from(await response.arrayBuffer());
};

beforeEach(async () => {
  fake = await startOpenAiFake();
  downloaded.length = 0;
});

afterEach(async () => {
  await fake.close();
});

function provider(options: Partial<OpenAiImageProviderOptions> = {}): OpenAiImageProvider {
  return new OpenAiImageProvider({
    apiKey: 'sk-test',
    baseUrl: fake.baseUrl,
    defaultModel: 'gpt-image-1',
    concurrency: 4,
    imagesPerMinute: 1000,
    download,
    ...options,
  });
}

function request(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    prompt: 'A lighthouse in a winter storm, oil painting',
    negativePrompt: null,
    model: 'gpt-image-1',
    width: 1024,
    height: 1024,
    n: 1,
    seed: 7,
    quality: null,
    style: null,
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function pngSize(bytes: Buffer): Promise<string> {
  const { info } = await sharp(bytes, { failOn: 'truncated' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return `${info.width}x${info.height}`;
}

/** `images` are `count` PNGs of `size`, none with a revised prompt. */
async function expectUnrevisedPngs(images: ProviderImage[], count: number, size: string) {
  expect(images).toHaveLength(count);
  for (const image of images) {
    expect(await pngSize(image.bytes)).toBe(size);
    expect(image.revisedPrompt).toBeNull();
  }
}

const imageCalls = () => fake.requests.filter((r) => r.path === '/v1/images/generations');

describe('OpenAiImageProvider: configuration', () => {
  it('is unconfigured without an API key and names the variable to set', () => {
    const unconfigured = provider({ apiKey: undefined });
    expect(unconfigured.status()).toEqual({ configured: false, missing: ['OPENAI_API_KEY'] });
    expect(provider().status()).toEqual({ configured: true, missing: [] });
  });

  it("declares each model's sizes, qualities, styles and image count", () => {
    const capabilities = provider({ defaultModel: 'dall-e-3' }).capabilities();
    expect(capabilities.defaultModel).toBe('dall-e-3');
    const byId = Object.fromEntries(capabilities.models.map((m) => [m.id, m]));
    expect(Object.keys(byId)).toEqual(['gpt-image-1', 'dall-e-3', 'dall-e-2']);
    expect(byId['gpt-image-1']).toMatchObject({
      sizes: ['1024x1024', '1536x1024', '1024x1536'],
      qualities: ['low', 'medium', 'high'],
      styles: [],
      maxN: 10,
      supportsSeed: false,
      supportsNegativePrompt: false,
    });
    expect(byId['dall-e-3']).toMatchObject({
      sizes: ['1024x1024', '1792x1024', '1024x1792'],
      qualities: ['standard', 'hd'],
      styles: ['vivid', 'natural'],
      maxN: 4,
    });
    expect(byId['dall-e-2']).toMatchObject({
      sizes: ['256x256', '512x512', '1024x1024'],
      styles: [],
      maxN: 10,
    });
  });
});

describe('OpenAiImageProvider: generating', () => {
  it('gpt-image-1: one call for n images, base64 without asking, quality passed', async () => {
    const images = await provider().generate(
      request({ n: 2, width: 1536, height: 1024, quality: 'high' }),
    );

    expect(imageCalls()).toHaveLength(1);
    const [call] = imageCalls();
    expect(call.headers.authorization).toBe('Bearer sk-test');
    expect(call.body).toEqual({
      model: 'gpt-image-1',
      prompt: 'A lighthouse in a winter storm, oil painting',
      n: 2,
      size: '1536x1024',
      quality: 'high',
    });
    await expectUnrevisedPngs(images, 2, '1536x1024');
    for (const image of images) expect(image.seed).toBeNull();
  });

  it('dall-e-3: n=3 is served by three n=1 calls, each revised prompt kept', async () => {
    fake.script(
      { kind: 'success', revisedPrompt: 'first revision' },
      { kind: 'success', revisedPrompt: 'second revision' },
    );
    const images = await provider().generate(
      request({
        model: 'dall-e-3',
        n: 3,
        width: 1792,
        height: 1024,
        quality: 'hd',
        style: 'natural',
      }),
    );

    expect(imageCalls()).toHaveLength(3);
    for (const call of imageCalls()) {
      expect(call.body).toEqual({
        model: 'dall-e-3',
        prompt: 'A lighthouse in a winter storm, oil painting',
        n: 1,
        size: '1792x1024',
        quality: 'hd',
        style: 'natural',
        response_format: 'b64_json',
      });
    }
    expect(images.map((image) => image.revisedPrompt)).toEqual([
      'first revision',
      'second revision',
      'A lighthouse in a winter storm, oil painting, in rich cinematic detail',
    ]);
    for (const image of images) expect(await pngSize(image.bytes)).toBe('1792x1024');
    expect(downloaded).toEqual([]);
  });

  it('dall-e-2: n images in one call, asked for as base64', async () => {
    const images = await provider().generate(
      request({ model: 'dall-e-2', n: 3, width: 512, height: 512 }),
    );

    expect(imageCalls().map((call) => call.body)).toEqual([
      {
        model: 'dall-e-2',
        prompt: 'A lighthouse in a winter storm, oil painting',
        n: 3,
        size: '512x512',
        response_format: 'b64_json',
      },
    ]);
    await expectUnrevisedPngs(images, 3, '512x512');
  });

  it('stops paying for a dall-e-3 batch at the first failed call', async () => {
    fake.script({ kind: 'success' }, { kind: 'server_error' });
    const error = await failure(provider().generate(request({ model: 'dall-e-3', n: 4 })));

    expect(error.code).toBe('provider_error');
    expect(imageCalls()).toHaveLength(2);
  });

  it('fetches URL outputs (OpenAI-compatible servers) through the injected downloader', async () => {
    fake.script({ kind: 'url' });
    const [image] = await provider().generate(
      request({ model: 'dall-e-2', width: 256, height: 256 }),
    );

    expect(downloaded).toHaveLength(1);
    expect(downloaded[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//);
    expect(await pngSize(image.bytes)).toBe('256x256');
  });

  it('refuses URL outputs when no downloader was given, without retrying', async () => {
    fake.script({ kind: 'url' });
    const error = await failure(provider({ download: undefined }).generate(request()));

    expect(error).toMatchObject({
      code: 'provider_error',
      retryable: false,
      message: 'URL outputs need a downloader',
    });
  });

  it('hands truncated or non-image bytes on, for the pipeline check to refuse', async () => {
    fake.script({ kind: 'truncated' }, { kind: 'not_image' });
    const [truncated] = await provider().generate(request());
    const [html] = await provider().generate(request());

    const check = (bytes: Buffer) => processImage(bytes, { maxPixels: 40_000_000, parameters: {} });
    await expect(check(truncated.bytes)).rejects.toBeInstanceOf(InvalidImageError);
    await expect(check(html.bytes)).rejects.toBeInstanceOf(InvalidImageError);
  });
});

describe('OpenAiImageProvider: failures', () => {
  it('429 with Retry-After in seconds is rate_limited, retryable after that wait', async () => {
    fake.script({ kind: 'rate_limited', retryAfter: '7' });
    const error = await failure(provider().generate(request()));

    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 7000 });
  });

  it('429 with Retry-After as an HTTP date, or retry-after-ms, gives the wait too', async () => {
    const at = new Date(Date.now() + 120_000).toUTCString();
    fake.script(
      { kind: 'rate_limited', retryAfter: at },
      { kind: 'rate_limited', retryAfterMs: '1500', retryAfter: '2' },
    );
    const byDate = await failure(provider().generate(request()));
    const byMs = await failure(provider().generate(request()));

    expect(byDate.code).toBe('rate_limited');
    expect(byDate.retryAfterMs).toBeGreaterThan(100_000);
    expect(byDate.retryAfterMs).toBeLessThanOrEqual(120_000);
    expect(byMs.retryAfterMs).toBe(1500);
  });

  it('500, 503 and a reset connection are provider_error, retryable', async () => {
    fake.script({ kind: 'server_error' }, { kind: 'server_error', status: 503 }, { kind: 'reset' });
    for (let i = 0; i < 3; i++) {
      const error = await failure(provider().generate(request()));
      expect(error).toMatchObject({ code: 'provider_error', retryable: true });
    }
  });

  it('a call past the client timeout is a retryable timeout', async () => {
    fake.script({ kind: 'hang' });
    const error = await failure(provider({ timeoutMs: 200 }).generate(request()));

    expect(error).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('rejects with the abort reason as soon as the job is aborted, and drops the call', async () => {
    fake.script({ kind: 'hang' });
    const controller = new AbortController();
    const pending = provider().generate(request({ signal: controller.signal }));

    await expectAbortedInFlight(fake, controller, pending, 1);
  });

  it('a content-policy refusal is content_policy with the provider message, never retried', async () => {
    const message =
      'Your request was rejected as a result of our safety system. Try another prompt.';
    fake.script({ kind: 'content_policy', message });
    const error = await failure(provider().generate(request({ model: 'dall-e-3' })));

    expect(error).toMatchObject({ code: 'content_policy', retryable: false, message });
  });

  it("GPT Image's moderation_blocked refusal is content_policy too", async () => {
    fake.script({
      kind: 'content_policy',
      code: 'moderation_blocked',
      type: 'image_generation_user_error',
      message: 'Your request was rejected by the safety system.',
    });
    const error = await failure(provider().generate(request()));

    expect(error).toMatchObject({ code: 'content_policy', retryable: false });
  });

  it('401 and 403 are provider_auth; other 4xx are provider_rejected; none retried', async () => {
    const body = {
      error: { message: 'Incorrect API key provided', type: 'invalid_request_error' },
    };
    fake.script(
      { kind: 'error', status: 401, body },
      { kind: 'error', status: 403, body },
      { kind: 'error', status: 404, body: { error: { message: 'The model does not exist' } } },
    );
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await failure(provider().generate(request())));

    expect(results.map((e) => [e.code, e.retryable])).toEqual([
      ['provider_auth', false],
      ['provider_auth', false],
      ['provider_rejected', false],
    ]);
    expect(results[2].message).toContain('The model does not exist');
  });

  it('a request the API refuses as invalid is provider_rejected', async () => {
    // The fake, like the API, refuses a size the model does not draw.
    const error = await failure(
      provider().generate(request({ model: 'dall-e-2', width: 1792, height: 1024 })),
    );

    expect(error).toMatchObject({ code: 'provider_rejected', retryable: false });
  });
});

/** The limits are kept by the registry's wrapper, which every registered provider runs behind. */
describe('OpenAiImageProvider: limits', () => {
  /** Two jobs on the provider held to `concurrency`; the fake holds each call until `release()`. */
  function twoHeldJobs(concurrency: number) {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    fake.script({ kind: 'success', waitFor: gate }, { kind: 'success', waitFor: gate });
    const openai = withLimits(provider({ concurrency }));
    const both = Promise.all([openai.generate(request()), openai.generate(request())]);
    return { both, release };
  }

  it('with concurrency 1, two jobs never have calls in flight at once', async () => {
    const { both, release } = twoHeldJobs(1);

    await fake.waitForCalls(1);
    // Room for a second call to arrive if the limiter let it through.
    await sleep(100);
    expect(fake.requests).toHaveLength(1);
    release();
    const results = await both;

    expect(results.flat()).toHaveLength(2);
    expect(fake.maxInFlight).toBe(1);
  });

  it('with concurrency 2, two jobs run side by side', async () => {
    const { both, release } = twoHeldJobs(2);

    await fake.waitForCalls(2);
    release();
    await both;

    expect(fake.maxInFlight).toBe(2);
  });
});
