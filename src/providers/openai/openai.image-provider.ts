import type OpenAI from 'openai';
import type {
  ImageGenerateParamsNonStreaming,
  Image as OpenAiImage,
} from 'openai/resources/images';
import {
  ImageProvider,
  needsSetting,
  ProviderError,
  type ModelCapabilities,
  type ProviderCapabilities,
  type ProviderImage,
  type ProviderRequest,
  type ProviderStatus,
} from '../image-provider.js';
import type { Downloader } from '../safe-download.js';
import {
  callOpenAi,
  createOpenAiClient,
  toProviderError,
  type OpenAiClient,
} from './openai-client.js';

export interface OpenAiImageProviderOptions {
  readonly apiKey?: string;
  readonly baseUrl?: string;
  readonly defaultModel: string;
  readonly concurrency: number;
  readonly imagesPerMinute: number;
  /**
   * Fetches URL outputs (the SSRF-safe downloader in production). Used only when a server answers
   * with URLs instead of base64, as OpenAI-compatible servers may.
   */
  readonly download?: Downloader;
  /** Per HTTP call; GPT Image at high quality can take a minute or two. */
  readonly timeoutMs?: number;
}

interface OpenAiModel {
  readonly capabilities: ModelCapabilities;
  /** Most images one API call may ask for; more are served by several calls. */
  readonly perCall: number;
  /** Whether to send `response_format: 'b64_json'` (GPT Image always answers base64 and refuses it). */
  readonly askForBase64: boolean;
}

const NO_SEED = { supportsSeed: false, supportsNegativePrompt: false } as const;

/** Each model's limits, as OpenAI's Images API reference gives them. */
const MODELS: readonly OpenAiModel[] = [
  {
    capabilities: {
      id: 'gpt-image-1',
      description:
        'GPT Image 1: follows long prompts closely and draws legible text; quality low, medium or high sets the price.',
      sizes: ['1024x1024', '1536x1024', '1024x1536'],
      defaultSize: '1024x1024',
      maxN: 10,
      ...NO_SEED,
      qualities: ['low', 'medium', 'high'],
      styles: [],
    },
    perCall: 10,
    askForBase64: false,
  },
  {
    capabilities: {
      id: 'dall-e-3',
      description:
        'DALL·E 3: rewrites the prompt before drawing (kept as the revised prompt); vivid or natural style; standard or hd quality.',
      sizes: ['1024x1024', '1792x1024', '1024x1792'],
      defaultSize: '1024x1024',
      maxN: 4,
      ...NO_SEED,
      qualities: ['standard', 'hd'],
      styles: ['vivid', 'natural'],
    },
    // The API takes only n=1 for DALL·E 3.
    perCall: 1,
    askForBase64: true,
  },
  {
    capabilities: {
      id: 'dall-e-2',
      description: 'DALL·E 2: the cheapest and fastest, in small square sizes.',
      sizes: ['256x256', '512x512', '1024x1024'],
      defaultSize: '1024x1024',
      maxN: 10,
      ...NO_SEED,
      qualities: ['standard'],
      styles: [],
    },
    perCall: 10,
    askForBase64: true,
  },
];

const noDownloader: Downloader = async () => {
  throw new ProviderError('provider_error', 'URL outputs need a downloader', false);
};

/** OpenAI Images (`POST /v1/images/generations`) through the official SDK. */
export class OpenAiImageProvider extends ImageProvider {
  readonly name = 'openai';
  readonly description =
    'OpenAI Images (GPT Image 1, DALL·E 3, DALL·E 2); billed to your OpenAI account.';

  private readonly client: OpenAiClient | null;
  private readonly timeoutMs: number;
  private readonly download: Downloader;
  private readonly capabilitiesValue: ProviderCapabilities;

  constructor(options: OpenAiImageProviderOptions) {
    super({ concurrency: options.concurrency, imagesPerMinute: options.imagesPerMinute });
    if (!MODELS.some((model) => model.capabilities.id === options.defaultModel)) {
      throw new Error(`Unknown OpenAI image model ${options.defaultModel}`);
    }
    this.timeoutMs = options.timeoutMs ?? 180_000;
    this.client = createOpenAiClient({
      apiKey: options.apiKey,
      baseUrl: options.baseUrl,
      timeoutMs: this.timeoutMs,
    });
    this.download = options.download ?? noDownloader;
    this.capabilitiesValue = {
      defaultModel: options.defaultModel,
      models: MODELS.map((model) => model.capabilities),
    };
  }

  status(): ProviderStatus {
    return needsSetting('OPENAI_API_KEY', this.client !== null);
  }

  capabilities(): ProviderCapabilities {
    return this.capabilitiesValue;
  }

  async generate(request: ProviderRequest): Promise<ProviderImage[]> {
    const client = this.client;
    if (!client) throw new ProviderError('provider_auth', 'OPENAI_API_KEY is not set', false);
    const model = MODELS.find((m) => m.capabilities.id === request.model);
    if (!model) {
      throw new ProviderError('provider_rejected', `OpenAI has no model ${request.model}`, false);
    }
    const images: ProviderImage[] = [];
    // One call at a time: a failed call stops the job before it pays for the rest.
    while (images.length < request.n) {
      const n = Math.min(model.perCall, request.n - images.length);
      const data = await this.call(await client(), model, request, n);
      for (const item of data.slice(0, n)) images.push(await this.toImage(item, request.signal));
      // Fewer than asked: the runner reports the shortfall (retryable).
      if (data.length < n) break;
    }
    return images;
  }

  private async call(
    client: OpenAI,
    model: OpenAiModel,
    request: ProviderRequest,
    n: number,
  ): Promise<OpenAiImage[]> {
    const params: ImageGenerateParamsNonStreaming = {
      model: model.capabilities.id,
      prompt: request.prompt,
      n,
      size: `${request.width}x${request.height}` as ImageGenerateParamsNonStreaming['size'],
      ...(request.quality
        ? { quality: request.quality as ImageGenerateParamsNonStreaming['quality'] }
        : {}),
      ...(request.style
        ? { style: request.style as ImageGenerateParamsNonStreaming['style'] }
        : {}),
      // Base64 spares a second download from a URL that expires after an hour.
      ...(model.askForBase64 ? { response_format: 'b64_json' as const } : {}),
    };
    const response = await callOpenAi(request.signal, this.timeoutMs, (signal) =>
      client.images.generate(params, { signal }),
    );
    return response.data ?? [];
  }

  private async toImage(item: OpenAiImage, signal: AbortSignal): Promise<ProviderImage> {
    const revisedPrompt = item.revised_prompt || null;
    if (item.b64_json) {
      return { bytes: Buffer.from(item.b64_json, 'base64'), revisedPrompt, seed: null };
    }
    if (item.url) {
      try {
        return { bytes: await this.download(item.url, signal), revisedPrompt, seed: null };
      } catch (error) {
        signal.throwIfAborted();
        throw toProviderError(error);
      }
    }
    throw new ProviderError('provider_error', 'OpenAI answered an image with no data', true);
  }
}
