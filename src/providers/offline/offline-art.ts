/**
 * Offline generative poster art.
 *
 * Turns a prompt + seed into a standalone SVG document without any network or model: the
 * prompt's words pick a scene (time of day, setting, weather, style, colours) and a seeded PRNG
 * fills in the layout. The caller rasterises the SVG (librsvg through sharp), so the output only
 * uses plain shapes, gradients and one pattern: no text, fonts, images, filters or URLs.
 *
 * Safety: nothing from the prompt is ever copied into the markup. Every attribute value is a
 * number, a colour or an id computed here, so a prompt cannot inject markup.
 *
 * The pieces, in `art/`: `scene.ts` reads the prompt, `palette.ts` colours it, `frame.ts` lays
 * out the picture, a `*.scene.ts` per kind of scene paints it (from `sky.ts` and `terrain.ts`),
 * `overlays.ts` adds weather, grain and vignette, and `svg.ts` writes the markup. The seeded
 * random source is shared with the random prompts (`prompts/seeded-random.ts`).
 */

import { Rng, seedFromText } from '../../prompts/seeded-random.js';
import { frameFor } from './art/frame.js';
import { paintLandscape } from './art/landscape.scene.js';
import { paintBirds, paintGrain, paintRain, paintSnowfall, paintVignette } from './art/overlays.js';
import { buildPalette } from './art/palette.js';
import { readScene } from './art/scene.js';
import { paintSpace } from './art/space.scene.js';
import { SvgDoc } from './art/svg.js';
import { paintUnderwater } from './art/underwater.scene.js';

export interface ArtRequest {
  prompt: string;
  seed: number;
  width: number;
  height: number;
  negativePrompt?: string;
}

/** Returns a standalone SVG document (string) whose composition is derived deterministically from prompt + seed. */
export function composeSvg(request: ArtRequest): string {
  const width = checkedDimension('width', request.width);
  const height = checkedDimension('height', request.height);
  const rng = new Rng(seedFromText(`${request.seed}:${request.prompt}`));
  const scene = readScene(request.prompt, request.negativePrompt ?? '', rng);
  const palette = buildPalette(scene, rng);
  const doc = new SvgDoc(width, height);
  const frame = frameFor(width, height, scene, rng);

  switch (scene.setting) {
    case 'underwater':
      paintUnderwater(doc, frame, scene, palette, rng);
      break;
    case 'space':
      paintSpace(doc, frame, scene, palette, rng);
      break;
    default:
      paintLandscape(doc, frame, scene, palette, rng);
  }
  if (scene.weather === 'rain' || scene.weather === 'storm') paintRain(doc, frame, palette, rng);
  if (scene.weather === 'snow') paintSnowfall(doc, frame, palette, rng);
  if (scene.birds) paintBirds(doc, frame, palette, rng);
  paintGrain(doc, frame, palette, rng);
  paintVignette(doc, palette, scene);
  return doc.toString();
}

function checkedDimension(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 1 || value > 16384) {
    throw new RangeError(`${name} must be a finite number between 1 and 16384`);
  }
  return Math.round(value);
}
