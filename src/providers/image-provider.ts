import type { JobErrorCode } from '../domain/records.js';

export interface ModelCapabilities {
  readonly id: string;
  readonly description: string;
  /** Accepted sizes, `WIDTHxHEIGHT`. */
  readonly sizes: readonly string[];
  readonly defaultSize: string;
  /** Most images one request may ask for. */
  readonly maxN: number;
  readonly supportsSeed: boolean;
  readonly supportsNegativePrompt: boolean;
  /** Accepted `quality` values (empty: the model takes none). */
  readonly qualities: readonly string[];
  /** Accepted `style` values (empty: the model takes none). */
  readonly styles: readonly string[];
}

export interface ProviderCapabilities {
  readonly models: readonly ModelCapabilities[];
  readonly defaultModel: string;
}

/** Whether the provider can be used, and if not, what to set. */
export interface ProviderStatus {
  readonly configured: boolean;
  /** Environment variables to set to enable it. */
  readonly missing: readonly string[];
}

export interface ProviderRequest {
  readonly prompt: string;
  readonly negativePrompt: string | null;
  readonly model: string;
  readonly width: number;
  readonly height: number;
  readonly n: number;
  /** Seed of the first image; image i uses seed + i where the model takes seeds. */
  readonly seed: number;
  readonly quality: string | null;
  readonly style: string | null;
  /** Aborted on cancel, timeout or shutdown: stop work (cancel remote work) and reject. */
  readonly signal: AbortSignal;
  /** Call once the provider has an id for the work (kept on the job, e.g. a prediction id). */
  readonly onStarted?: (providerRef: string) => Promise<void>;
}

export interface ProviderImage {
  /** Encoded image (PNG, JPEG or WebP); checked by the pipeline before anything is stored. */
  readonly bytes: Buffer;
  /** The prompt the provider actually drew, where it rewrites prompts. */
  readonly revisedPrompt: string | null;
  readonly seed: number | null;
}

/** Why a provider call failed: `retryable` failures (429, 5xx, timeouts) are tried again. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly code: JobErrorCode,
    message: string,
    readonly retryable: boolean,
    /** How long the provider asked us to wait (Retry-After), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A provider's local limits: calls at once and images per minute, per replica. */
export interface ProviderLimits {
  readonly concurrency: number;
  readonly imagesPerMinute: number;
}

/** Draws images from a prompt. Adapters: offline (built in), openai, replicate. */
export abstract class ImageProvider {
  abstract readonly name: string;
  abstract readonly description: string;

  /** `localLimits`: what `limits()` answers. */
  constructor(private readonly localLimits: ProviderLimits | null = null) {}

  abstract status(): ProviderStatus;
  abstract capabilities(): ProviderCapabilities;
  abstract generate(request: ProviderRequest): Promise<ProviderImage[]>;

  /**
   * Local rate limits, where the provider has them (remote APIs); null for unlimited. The
   * registry runs every `generate` within them (`withLimits`).
   */
  limits(): ProviderLimits | null {
    return this.localLimits;
  }
}

/** The status of a provider that needs one setting: configured once it is set. */
export function needsSetting(variable: string, isSet: boolean): ProviderStatus {
  return isSet ? { configured: true, missing: [] } : { configured: false, missing: [variable] };
}

/** Injection token for the list of every provider. */
export const IMAGE_PROVIDERS = Symbol('IMAGE_PROVIDERS');
