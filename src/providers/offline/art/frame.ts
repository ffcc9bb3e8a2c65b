/** The layout of a picture: its size, horizon and focal point, chosen once for every painter. */

import type { Rng } from '../../../prompts/seeded-random.js';
import type { Scene } from './scene.js';
import type { Point } from './svg.js';

export interface Frame {
  w: number;
  h: number;
  /** Shorter side: the unit for sizes, so shapes keep their proportions on any aspect ratio. */
  s: number;
  /** Where land (or sea) meets sky. */
  horizon: number;
  /** Focal element (sun, moon, planet, glow) centre and radius. */
  focal: Point;
  focalR: number;
}

export function frameFor(w: number, h: number, scene: Scene, rng: Rng): Frame {
  const s = Math.min(w, h);
  const horizon = h * rng.range(0.56, 0.68);
  // Rule of thirds, with a little jitter so the same prompt doesn't always centre the same way.
  const focalX = w * (rng.pick([0.3, 0.5, 0.7]) + rng.range(-0.06, 0.06));
  let focalY: number;
  let focalR = s * rng.range(0.07, 0.11);
  switch (scene.time) {
    case 'sunset':
      focalY = horizon - s * rng.range(0.02, 0.12);
      focalR = s * rng.range(0.1, 0.15);
      break;
    case 'dawn':
      focalY = horizon - s * rng.range(0.08, 0.18);
      break;
    default:
      focalY = h * rng.range(0.16, 0.3);
  }
  if (scene.setting === 'space') focalR = s * rng.range(0.16, 0.24);
  return { w, h, s, horizon, focal: { x: focalX, y: focalY }, focalR };
}
