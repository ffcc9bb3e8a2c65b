import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type Replicate from 'replicate';
import type { Prediction } from 'replicate';
import {
  ImageProvider,
  needsSetting,
  ProviderError,
  type ProviderCapabilities,
  type ProviderImage,
  type ProviderRequest,
  type ProviderStatus,
} from '../image-provider.js';
import type { ProvidersConfig } from '../../config/config-slices.js';
import { Deadline } from '../../lifecycle/deadline.js';
import { untilAborted } from '../../lifecycle/until-aborted.js';
import type { Downloader } from '../safe-download.js';
import { modelMapping, type ModelMapping } from './replicate-models.js';

/** Its configuration, with the downloader made of its allowlist. */
export type ReplicateImageProviderOptions = Omit<ProvidersConfig['replicate'], 'downloadHosts'> & {
  /** Fetches output URLs (the safe downloader with Replicate's allowlist). */
  readonly download: Downloader;
  /** How often a running prediction is polled (the SDK's own wait() uses 500 ms). */
  readonly pollIntervalMs?: number;
};

/** Most images one request may ask for; models that make fewer per prediction get several. */
const MAX_IMAGES = 4;
const CANCEL_TIMEOUT_MS = 10_000;
const TERMINAL = new Set<Prediction['status']>(['succeeded', 'failed', 'canceled', 'aborted']);

/**
 * Stable Diffusion, SDXL and Flux on Replicate, through the official SDK. The SDK only talks to
 * the API: output URLs are fetched by the injected downloader, at once (they expire after an
 * hour), never by the SDK.
 */
export class ReplicateImageProvider extends ImageProvider {
  readonly name = 'replicate';
  readonly description =
    'Stable Diffusion, SDXL and Flux models on Replicate (paid per image or per second of GPU time).';

  private readonly logger = new Logger(ReplicateImageProvider.name);
  /** The SDK's client, made (and the SDK imported) when a configured provider first calls it. */
  private readonly client: (() => Promise<Replicate>) | null;
  private readonly mapping: ModelMapping;
  private readonly target: { model: string } | { version: string };

  constructor(private readonly options: ReplicateImageProviderOptions) {
    super({ concurrency: options.concurrency, imagesPerMinute: options.imagesPerMinute });
    // No token, no client: the SDK would otherwise fall back to reading the environment itself.
    // Without one, the service never imports the SDK.
    const auth = options.apiToken;
    let client: Replicate | undefined;
    this.client = auth
      ? async () =>
          (client ??= new (await import('replicate')).default({
            auth,
            baseUrl: options.baseUrl,
            useFileOutput: false,
            userAgent: 'image-forge',
          }))
      : null;
    const [model, version] = options.model.split(':');
    this.target = version ? { version } : { model };
    this.mapping = modelMapping(model);
  }

  status(): ProviderStatus {
    return needsSetting('REPLICATE_API_TOKEN', this.client !== null);
  }

  capabilities(): ProviderCapabilities {
    const { description, sizes, defaultSize, supportsNegativePrompt } = this.mapping;
    return {
      defaultModel: this.options.model,
      models: [
        {
          id: this.options.model,
          description,
          sizes,
          defaultSize,
          maxN: MAX_IMAGES,
          supportsSeed: true,
          supportsNegativePrompt,
          qualities: [],
          styles: [],
        },
      ],
    };
  }

  async generate(request: ProviderRequest): Promise<ProviderImage[]> {
    const client = this.client;
    if (!client) {
      throw new ProviderError('provider_auth', 'Replicate needs REPLICATE_API_TOKEN', false);
    }
    const images: ProviderImage[] = [];
    while (images.length < request.n) {
      const count = Math.min(this.mapping.perPrediction, request.n - images.length);
      const seed = request.seed + images.length;
      const urls = await this.predict(
        await client(),
        this.mapping.input(request, count, seed),
        request,
      );
      for (const [index, url] of urls.slice(0, count).entries()) {
        const bytes = await this.options.download(url, request.signal);
        // The prediction takes one seed; only its first image is known to be drawn from it.
        images.push({ bytes, revisedPrompt: null, seed: index === 0 ? seed : null });
      }
      // Fewer outputs than asked for: stop, and let the pipeline report the shortfall.
      if (urls.length < count) break;
    }
    return images;
  }

  /** Creates one prediction, reports its id, waits for it (bounded) and returns its output URLs. */
  private async predict(
    client: Replicate,
    input: Record<string, unknown>,
    request: ProviderRequest,
  ): Promise<string[]> {
    const { signal } = request;
    signal.throwIfAborted();
    const creating = client.predictions.create({ ...this.target, input });
    let prediction: Prediction;
    try {
      prediction = await untilAborted(creating, signal);
    } catch (error) {
      if (signal.aborted) {
        // Aborted mid-request: the prediction may exist all the same, so cancel it once known.
        creating.then((created) => this.cancel(client, created.id)).catch(() => undefined);
        throw signal.reason;
      }
      throw toProviderError(error);
    }
    try {
      await request.onStarted?.(prediction.id);
      prediction = await this.waitFor(client, prediction, signal);
    } catch (error) {
      await this.cancel(client, prediction.id);
      throw error;
    }
    if (prediction.status === 'failed') {
      throw new ProviderError(
        'prediction_failed',
        `The Replicate prediction failed: ${describe(prediction.error)}`,
        false,
      );
    }
    if (prediction.status !== 'succeeded') {
      throw new ProviderError(
        'prediction_canceled',
        `The Replicate prediction was ${prediction.status} on Replicate's side`,
        false,
      );
    }
    return outputUrls(prediction.output);
  }

  /** Polls until the prediction ends; rejects on abort, on the time cap and on API errors. */
  private async waitFor(
    client: Replicate,
    prediction: Prediction,
    signal: AbortSignal,
  ): Promise<Prediction> {
    const timeout = new Deadline(this.options.predictionTimeoutMs);
    const waiting = AbortSignal.any([signal, timeout.signal]);
    let current = prediction;
    try {
      while (!TERMINAL.has(current.status)) {
        await sleep(this.options.pollIntervalMs ?? 500, undefined, { signal: waiting });
        current = await client.predictions.get(current.id, { signal: waiting });
      }
      return current;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (timeout.expired) {
        throw new ProviderError(
          'timeout',
          `The Replicate prediction did not finish within ${this.options.predictionTimeoutMs} ms and was canceled`,
          true,
        );
      }
      throw toProviderError(error);
    } finally {
      timeout.clear();
    }
  }

  /** Best effort: a prediction left running keeps costing money, but failing to stop it is not the job's error. */
  private async cancel(client: Replicate, id: string): Promise<void> {
    try {
      await client.predictions.cancel(id, { signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS) });
    } catch (error) {
      this.logger.warn({ err: error, predictionId: id }, 'canceling the prediction failed');
    }
  }
}

function outputUrls(output: unknown): string[] {
  const values = Array.isArray(output) ? (output as unknown[]) : [output];
  const urls = values.filter((value): value is string => typeof value === 'string');
  if (urls.length === 0) {
    throw new ProviderError('provider_error', 'The Replicate prediction returned no images', true);
  }
  return urls;
}

function describe(error: unknown): string {
  if (typeof error === 'string' && error.trim()) return error.trim();
  return error ? JSON.stringify(error) : 'no reason given';
}

/** Replicate API failures in the terms the pipeline acts on (retry or not, how soon). */
export function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const response = (error as { response?: unknown } | null)?.response;
  if (!(error instanceof Error) || !(response instanceof Response)) {
    // Resets, refused connections, DNS failures, garbled bodies: worth another try.
    const message = (error as Error | undefined)?.message ?? String(error);
    const cause = (error as { cause?: { code?: string } } | undefined)?.cause?.code;
    return new ProviderError(
      'provider_error',
      `Replicate could not be reached: ${message}${cause ? ` (${cause})` : ''}`,
      true,
    );
  }
  const { status } = response;
  const detail = apiDetail(error.message) ?? `HTTP ${status}`;
  if (status === 429) {
    return new ProviderError(
      'rate_limited',
      `Replicate is rate limiting requests: ${detail}`,
      true,
      retryAfterMs(response.headers.get('retry-after')),
    );
  }
  if (status >= 500)
    return new ProviderError('provider_error', `Replicate failed: ${detail}`, true);
  if (status === 401 || status === 403) {
    return new ProviderError(
      'provider_auth',
      `Replicate refused the API token (REPLICATE_API_TOKEN): ${detail}`,
      false,
    );
  }
  if (status === 402) {
    return new ProviderError('provider_billing', `Replicate refused to bill: ${detail}`, false);
  }
  return new ProviderError('provider_rejected', `Replicate rejected the request: ${detail}`, false);
}

/** The SDK puts the response body in its message: `... failed with status 422 ...: {body}.` */
function apiDetail(message: string): string | null {
  const body = /failed with status \d+[^:]*: (.*)\.$/s.exec(message)?.[1];
  if (!body) return null;
  try {
    const parsed = JSON.parse(body) as { detail?: unknown; title?: unknown };
    const text = parsed.detail ?? parsed.title;
    return typeof text === 'string' ? text : body.slice(0, 500);
  } catch {
    return body.slice(0, 500);
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
