import {
  ImageProvider,
  ProviderError,
  type ProviderCapabilities,
  type ProviderImage,
  type ProviderRequest,
  type ProviderStatus,
} from '../providers/image-provider.js';
import { errorCodeLabel, OTHER, type Metrics } from './metrics.js';

/**
 * A provider whose every call is timed into `image_forge_provider_request_duration_seconds` and
 * whose failures are counted in `image_forge_provider_errors_total` by code. The registry puts it
 * inside the limiter, so the time is the call's, not the wait for a slot.
 */
class MeteredImageProvider extends ImageProvider {
  readonly name: string;
  readonly description: string;

  constructor(
    private readonly provider: ImageProvider,
    private readonly metrics: Metrics,
  ) {
    super(provider.limits());
    this.name = provider.name;
    this.description = provider.description;
  }

  status(): ProviderStatus {
    return this.provider.status();
  }

  capabilities(): ProviderCapabilities {
    return this.provider.capabilities();
  }

  async generate(request: ProviderRequest): Promise<ProviderImage[]> {
    const labels = { provider: this.name, model: modelLabel(this.provider, request.model) };
    const stop = this.metrics.providerDuration.startTimer(labels);
    try {
      const images = await this.provider.generate(request);
      stop({ outcome: 'ok' });
      return images;
    } catch (error) {
      stop({ outcome: 'error' });
      this.metrics.providerErrors.inc({ provider: this.name, code: failureCode(request, error) });
      throw error;
    }
  }
}

/** `provider` with its calls metered. */
export function meteredProvider(provider: ImageProvider, metrics: Metrics): ImageProvider {
  return new MeteredImageProvider(provider, metrics);
}

/** `model` when `provider` declares it (requests are checked against that list), else `other`. */
export function modelLabel(provider: ImageProvider, model: string): string {
  return provider.capabilities().models.some((known) => known.id === model) ? model : OTHER;
}

/** Stopped by us (cancel, shutdown: `aborted`; the attempt's limit: `timeout`), or the provider's code. */
function failureCode(request: ProviderRequest, error: unknown): string {
  if (request.signal.aborted) {
    const reason: unknown = request.signal.reason;
    return reason instanceof DOMException && reason.name === 'TimeoutError' ? 'timeout' : 'aborted';
  }
  return error instanceof ProviderError ? errorCodeLabel(error.code) : 'internal_error';
}
