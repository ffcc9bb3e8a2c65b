import type { ProviderRequest } from '../image-provider.js';

/** How one family of Replicate models is asked for images, and what it can draw. */
export interface ModelMapping {
  /** Matched against the model's `name` (the part after `owner/`). */
  readonly pattern: RegExp;
  readonly description: string;
  readonly sizes: readonly string[];
  readonly defaultSize: string;
  /** Images one prediction can make (`num_outputs`); more are made by further predictions. */
  readonly perPrediction: number;
  readonly supportsNegativePrompt: boolean;
  /** The prediction input for `count` images starting at `seed`. */
  readonly input: (
    request: ProviderRequest,
    count: number,
    seed: number,
  ) => Record<string, unknown>;
}

/** Flux's aspect ratios and the ~1 megapixel size each one draws. */
const FLUX_ASPECT_RATIOS: Readonly<Record<string, string>> = {
  '1024x1024': '1:1',
  '1344x768': '16:9',
  '768x1344': '9:16',
  '1536x640': '21:9',
  '640x1536': '9:21',
  '1216x832': '3:2',
  '832x1216': '2:3',
  '1152x896': '4:3',
  '896x1152': '3:4',
  '1088x896': '5:4',
  '896x1088': '4:5',
};

/** SDXL's native resolutions (about one megapixel each), plus smaller squares. */
const SDXL_SIZES = [
  '1024x1024',
  '1152x896',
  '896x1152',
  '1216x832',
  '832x1216',
  '1344x768',
  '768x1344',
  '1536x640',
  '640x1536',
  '768x768',
  '512x512',
];

/** The listed aspect ratio closest to width:height (sizes are validated before this runs). */
function aspectRatio(width: number, height: number): string {
  const exact = FLUX_ASPECT_RATIOS[`${width}x${height}`];
  if (exact) return exact;
  const ratio = (size: string) => {
    const [w, h] = size.split('x').map(Number);
    return Math.abs(Math.log(w / h) - Math.log(width / height));
  };
  const nearest = Object.keys(FLUX_ASPECT_RATIOS).sort((a, b) => ratio(a) - ratio(b))[0];
  return FLUX_ASPECT_RATIOS[nearest];
}

function flux(pattern: RegExp, description: string, perPrediction: number): ModelMapping {
  return {
    pattern,
    description,
    sizes: Object.keys(FLUX_ASPECT_RATIOS),
    defaultSize: '1024x1024',
    perPrediction,
    supportsNegativePrompt: false,
    input: (request, count, seed) => ({
      prompt: request.prompt,
      aspect_ratio: aspectRatio(request.width, request.height),
      ...(perPrediction > 1 ? { num_outputs: count } : {}),
      seed,
      output_format: 'png',
    }),
  };
}

/**
 * The one table of model families, first match wins; the last entry serves any other model with
 * the inputs most image models on Replicate share.
 */
export const REPLICATE_MODELS: readonly ModelMapping[] = [
  flux(/^flux-schnell/, 'FLUX.1 [schnell] by Black Forest Labs: fast, 4 steps.', 4),
  flux(/^flux-dev/, 'FLUX.1 [dev] by Black Forest Labs: higher quality, slower.', 4),
  flux(/^flux-(1\.1-)?pro/, 'FLUX.1 [pro] by Black Forest Labs: one image per prediction.', 1),
  {
    pattern: /sdxl/,
    description: 'Stable Diffusion XL: sizes by width and height, negative prompts.',
    sizes: SDXL_SIZES,
    defaultSize: '1024x1024',
    perPrediction: 4,
    supportsNegativePrompt: true,
    input: (request, count, seed) => ({
      prompt: request.prompt,
      ...(request.negativePrompt ? { negative_prompt: request.negativePrompt } : {}),
      width: request.width,
      height: request.height,
      num_outputs: count,
      seed,
    }),
  },
  {
    pattern: /.*/,
    description: 'A Replicate image model taking prompt, width, height and seed.',
    sizes: ['512x512', '768x768', '1024x1024'],
    defaultSize: '1024x1024',
    perPrediction: 1,
    supportsNegativePrompt: false,
    input: (request, _count, seed) => ({
      prompt: request.prompt,
      width: request.width,
      height: request.height,
      seed,
    }),
  },
];

/** The mapping for `owner/name` (a version, if any, already stripped). */
export function modelMapping(model: string): ModelMapping {
  const name = model.slice(model.indexOf('/') + 1).toLowerCase();
  return REPLICATE_MODELS.find((entry) => entry.pattern.test(name)) as ModelMapping;
}
