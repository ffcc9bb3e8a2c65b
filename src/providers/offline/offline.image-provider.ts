import { setTimeout as sleep } from 'node:timers/promises';
import {
  ImageProvider,
  type ProviderCapabilities,
  type ProviderImage,
  type ProviderRequest,
  type ProviderStatus,
} from '../image-provider.js';
import { composeSvg } from './offline-art.js';

const CAPABILITIES: ProviderCapabilities = {
  defaultModel: 'poster-v1',
  models: [
    {
      id: 'poster-v1',
      description:
        'Generative poster art drawn from the prompt and seed, on this machine: no keys, no network.',
      sizes: ['256x256', '512x512', '768x768', '1024x1024', '1024x1536', '1536x1024', '1792x1024'],
      defaultSize: '1024x1024',
      maxN: 4,
      supportsSeed: true,
      supportsNegativePrompt: true,
      qualities: [],
      styles: [],
    },
  ],
};

/** The built-in renderer: an SVG composition derived from prompt + seed, rasterised by sharp. */
export class OfflineImageProvider extends ImageProvider {
  readonly name = 'offline';
  readonly description =
    'Built-in renderer; works offline, free, deterministic per prompt and seed.';

  constructor(private readonly latencyMs = 0) {
    super();
  }

  status(): ProviderStatus {
    return { configured: true, missing: [] };
  }

  capabilities(): ProviderCapabilities {
    return CAPABILITIES;
  }

  async generate(request: ProviderRequest): Promise<ProviderImage[]> {
    const images: ProviderImage[] = [];
    for (let i = 0; i < request.n; i++) {
      request.signal.throwIfAborted();
      if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal: request.signal });
      const seed = request.seed + i;
      const svg = composeSvg({
        prompt: request.prompt,
        seed,
        width: request.width,
        height: request.height,
        negativePrompt: request.negativePrompt ?? undefined,
      });
      const { default: sharp } = await import('sharp');
      const bytes = await sharp(Buffer.from(svg)).png({ compressionLevel: 6 }).toBuffer();
      images.push({ bytes, revisedPrompt: null, seed });
    }
    return images;
  }
}
