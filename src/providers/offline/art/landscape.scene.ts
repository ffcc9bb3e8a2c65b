/**
 * Open-air scenes: a sky, then the ground the setting asks for (ridges, hills, dunes, forest,
 * coast or city). Underwater and space are scenes of their own, chosen in `composeSvg`.
 */

import type { Rng } from '../../../prompts/seeded-random.js';
import { paintCity } from './city.scene.js';
import { paintCoast } from './coast.scene.js';
import type { Frame } from './frame.js';
import type { Palette } from './palette.js';
import type { Scene } from './scene.js';
import {
  paintClouds,
  paintFocalLight,
  paintLightning,
  paintSky,
  paintStars,
  paintStormClouds,
} from './sky.js';
import type { SvgDoc } from './svg.js';
import { paintTerrain } from './terrain.js';

export function paintLandscape(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
  paintSky(doc, f, p);
  if (scene.time === 'night' && scene.weather !== 'storm') paintStars(doc, f, p, rng, f.horizon);
  if (scene.weather === 'storm') {
    paintStormClouds(doc, f, p, rng);
    paintLightning(doc, f, p, rng);
  } else {
    paintFocalLight(doc, f, scene, p, rng);
    paintClouds(doc, f, scene, p, rng);
  }
  switch (scene.setting) {
    case 'mountains':
      paintTerrain(doc, f, scene, p, rng, { kind: 'jagged', layers: rng.int(3, 4) });
      break;
    case 'hills':
      paintTerrain(doc, f, scene, p, rng, {
        kind: 'smooth',
        layers: rng.int(3, 4),
        trees: 'round',
      });
      break;
    case 'desert':
      paintTerrain(doc, f, scene, p, rng, { kind: 'dunes', layers: rng.int(2, 4), cacti: true });
      break;
    case 'forest':
      paintTerrain(doc, f, scene, p, rng, { kind: 'smooth', layers: 3, trees: 'pine' });
      break;
    case 'coast':
      paintCoast(doc, f, scene, p, rng);
      break;
    case 'city':
      paintCity(doc, f, scene, p, rng);
      break;
  }
}
