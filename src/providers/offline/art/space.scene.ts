/** Space: a nebula, a star field, a (sometimes ringed) planet and a barren foreground. */

import type { Rng } from '../../../prompts/seeded-random.js';
import { BLACK, hex, mix, WHITE } from './colour.js';
import type { Frame } from './frame.js';
import type { Palette } from './palette.js';
import type { Scene } from './scene.js';
import { paintStars } from './sky.js';
import { el, ellipsePath, fmt, type SvgDoc } from './svg.js';
import { paintTerrain } from './terrain.js';

export function paintSpace(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
  const fill = doc.linear(
    [
      { offset: 0, color: p.skyTop },
      { offset: 1, color: p.horizon },
    ],
    { x1: 0, y1: 0, x2: 1, y2: 1 },
  );
  doc.add(el('rect', { width: f.w, height: f.h, fill }));

  // Nebula: overlapping soft radial clouds in the palette's hues.
  for (let i = 0; i < rng.int(3, 5); i++) {
    const colour = rng.pick([p.accent, p.accent2, p.skyMid, mix(p.accent, p.sparkle, 0.3)]);
    const glow = doc.radial([
      { offset: 0, color: colour, opacity: rng.range(0.25, 0.45) },
      { offset: 1, color: colour, opacity: 0 },
    ]);
    doc.add(
      el('ellipse', {
        cx: rng.range(0, f.w),
        cy: rng.range(0, f.h),
        rx: f.s * rng.range(0.3, 0.6),
        ry: f.s * rng.range(0.15, 0.35),
        fill: glow,
      }),
    );
  }
  paintStars(doc, f, p, rng, f.h, 170);
  paintPlanet(doc, f, p, rng);
  if (scene.time !== 'night' || rng.chance(0.5)) {
    // A barren foreground moonscape anchors the composition.
    paintTerrain(doc, { ...f, horizon: f.h * 0.85 }, scene, p, rng, {
      kind: 'smooth',
      layers: 2,
      spread: 0.5,
      depth: [0.5, 1],
    });
  }
}

function paintPlanet(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
  const { focal, focalR } = f;
  const tilt = rng.range(-25, 25);
  const ringed = rng.chance(0.6);
  const ring = (half: 'back' | 'front'): string =>
    el('path', {
      // The ring is split so its back half goes behind the planet and the front half over it.
      d: `M${fmt(focal.x - focalR * 1.8)},${fmt(focal.y)}a${fmt(focalR * 1.8)},${fmt(focalR * 0.45)} 0 0,${half === 'front' ? 0 : 1} ${fmt(focalR * 3.6)},0`,
      fill: 'none',
      stroke: hex(mix(p.accent, p.sparkle, 0.4)),
      'stroke-width': focalR * 0.12,
      opacity: 0.8,
      transform: `rotate(${fmt(tilt)} ${fmt(focal.x)} ${fmt(focal.y)})`,
    });
  if (ringed) doc.add(ring('back'));
  const body = doc.linear(
    [
      { offset: 0, color: mix(p.accent, WHITE, 0.35) },
      { offset: 0.55, color: p.accent },
      { offset: 1, color: mix(p.accent, BLACK, 0.75) },
    ],
    { x1: 0.15, y1: 0.1, x2: 0.85, y2: 0.9 },
  );
  doc.add(el('circle', { cx: focal.x, cy: focal.y, r: focalR, fill: body }));
  // Faint latitude bands for a gas-giant look.
  let bands = '';
  for (let i = 0; i < 3; i++) {
    const y = focal.y + focalR * rng.range(-0.6, 0.6);
    const half = Math.sqrt(Math.max(0, focalR ** 2 - (y - focal.y) ** 2));
    bands += ellipsePath(focal.x, y, half * 0.98, focalR * rng.range(0.03, 0.07));
  }
  doc.add(el('path', { d: bands, fill: hex(p.shade), opacity: 0.18 }));
  if (ringed) doc.add(ring('front'));
}
