/** The sky and what is in it: gradient, stars, sun or moon, clouds, storm clouds and lightning. */

import type { Rng } from '../../../prompts/seeded-random.js';
import { hex, hsl, mix, WHITE } from './colour.js';
import type { Frame } from './frame.js';
import type { Palette } from './palette.js';
import type { Scene } from './scene.js';
import {
  circlePath,
  el,
  ellipsePath,
  type Point,
  polyPath,
  pt,
  rectPath,
  type SvgDoc,
} from './svg.js';

export function paintSky(doc: SvgDoc, f: Frame, p: Palette): void {
  const horizonAt = f.horizon / f.h;
  const fill = doc.linear([
    { offset: 0, color: p.skyTop },
    { offset: horizonAt * 0.55, color: p.skyMid },
    { offset: horizonAt, color: p.horizon },
    { offset: 1, color: p.horizon },
  ]);
  doc.add(el('rect', { width: f.w, height: f.h, fill }));
}

/** Stars in three brightness groups: three elements however many stars there are. */
export function paintStars(
  doc: SvgDoc,
  f: Frame,
  p: Palette,
  rng: Rng,
  bottom: number,
  count = 110,
): void {
  const groups = ['', '', ''];
  const unit = f.s / 1000;
  for (let i = 0; i < count; i++) {
    const group = rng.int(0, 2);
    // Squaring the vertical position crowds stars towards the top, where the sky is darkest.
    const y = bottom * rng.next() ** 1.6;
    groups[group] += circlePath(rng.range(0, f.w), y, unit * rng.range(0.8, 1.6) * (group + 1));
  }
  const opacities = [0.35, 0.6, 0.95];
  groups.forEach((d, i) => doc.add(el('path', { d, fill: hex(p.sparkle), opacity: opacities[i] })));
  // A few four-pointed twinkles give the field a focal rhythm.
  let twinkles = '';
  for (let i = 0; i < rng.int(2, 5); i++) {
    const c = { x: rng.range(0, f.w), y: bottom * rng.next() ** 1.4 * 0.8 };
    const r = unit * rng.range(6, 11);
    const k = r * 0.18;
    twinkles += polyPath([
      { x: c.x, y: c.y - r },
      { x: c.x + k, y: c.y - k },
      { x: c.x + r, y: c.y },
      { x: c.x + k, y: c.y + k },
      { x: c.x, y: c.y + r },
      { x: c.x - k, y: c.y + k },
      { x: c.x - r, y: c.y },
      { x: c.x - k, y: c.y - k },
    ]);
  }
  doc.add(el('path', { d: twinkles, fill: hex(p.sparkle), opacity: 0.9 }));
}

/** Sun or moon: a wide soft glow, then the disc. Drawn before the terrain so it can set behind it. */
export function paintFocalLight(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
  const { focal, focalR } = f;
  const glowR = focalR * (scene.time === 'day' ? 3.2 : 4.5);
  const glow = doc.radial([
    { offset: 0, color: p.accent, opacity: scene.time === 'night' ? 0.35 : 0.7 },
    { offset: 0.35, color: p.accent, opacity: scene.time === 'night' ? 0.12 : 0.25 },
    { offset: 1, color: p.accent, opacity: 0 },
  ]);
  doc.add(el('circle', { cx: focal.x, cy: focal.y, r: glowR, fill: glow }));

  const disc = doc.radial(
    [
      { offset: 0, color: mix(p.accent, WHITE, 0.5) },
      { offset: 1, color: p.accent },
    ],
    { cx: 0.4, cy: 0.4, r: 0.7 },
  );
  doc.add(el('circle', { cx: focal.x, cy: focal.y, r: focalR, fill: disc }));

  if (scene.time === 'night') {
    // Soft maria make it read as a moon rather than a white dot.
    let craters = '';
    for (let i = 0; i < 5; i++) {
      const angle = rng.range(0, Math.PI * 2);
      const dist = focalR * rng.range(0, 0.6);
      craters += circlePath(
        focal.x + Math.cos(angle) * dist,
        focal.y + Math.sin(angle) * dist,
        focalR * rng.range(0.1, 0.28),
      );
    }
    doc.add(el('path', { d: craters, fill: hex(p.skyMid), opacity: 0.18 }));
  } else if (scene.style.neon && scene.time === 'sunset') {
    // Synthwave sun: horizontal bands cut through the lower half.
    let bands = '';
    for (let i = 0; i < 5; i++) {
      const y = focal.y + focalR * (0.1 + i * 0.18);
      bands += rectPath(focal.x - focalR, y, focalR * 2, focalR * (0.03 + i * 0.025));
    }
    doc.add(el('path', { d: bands, fill: hex(p.horizon) }));
  }
}

/** Long, flat-bottomed cloud banks made of overlapping ellipses; one element each. */
export function paintClouds(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
  const count = scene.weather === 'fog' ? rng.int(3, 5) : rng.int(1, 4);
  const lit = scene.time === 'night' ? mix(p.skyMid, p.sparkle, 0.2) : mix(p.accent, WHITE, 0.35);
  const fill = doc.linear([
    { offset: 0, color: lit },
    { offset: 1, color: mix(p.skyMid, p.horizon, 0.5) },
  ]);
  for (let i = 0; i < count; i++) {
    const cx = rng.range(0, f.w);
    const cy = f.horizon * rng.range(0.12, 0.75);
    const span = f.s * rng.range(0.18, 0.4);
    let d = '';
    const puffs = rng.int(3, 6);
    for (let j = 0; j < puffs; j++) {
      const x = cx + span * (j / (puffs - 1) - 0.5);
      const r = f.s * rng.range(0.025, 0.05) * (1 - Math.abs(j / (puffs - 1) - 0.5));
      d += ellipsePath(x, cy - r * 0.4, r * 1.9, r * 1.2);
    }
    d += ellipsePath(cx, cy, span * 0.62, f.s * 0.018);
    doc.add(el('path', { d, fill, opacity: rng.range(0.45, 0.75) }));
  }
}

export function paintStormClouds(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
  for (let layer = 0; layer < 3; layer++) {
    let d = '';
    const y = f.h * (0.05 + layer * 0.09);
    for (let x = -f.s * 0.1; x < f.w + f.s * 0.1; x += f.s * rng.range(0.08, 0.14)) {
      const r = f.s * rng.range(0.06, 0.12);
      d += ellipsePath(x, y + rng.range(-0.03, 0.03) * f.s, r * 1.6, r);
    }
    // Neutral slate rather than the land colour: green or sandy storm clouds look wrong.
    const slate = mix(mix(p.skyTop, p.shade, 0.3), hsl(220, 12, 30), 0.5);
    const color = mix(slate, p.shade, layer * 0.18);
    doc.add(el('path', { d, fill: hex(color), opacity: 0.85 }));
  }
}

export function paintLightning(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
  const points: Point[] = [{ x: f.focal.x, y: f.h * 0.18 }];
  let x = f.focal.x;
  for (let y = f.h * 0.18; y < f.horizon;) {
    y += f.s * rng.range(0.04, 0.08);
    x += f.s * rng.range(-0.05, 0.05);
    points.push({ x, y: Math.min(y, f.horizon) });
  }
  const d = `M${points.map(pt).join('L')}`;
  const glow = mix(p.sparkle, p.accent, 0.3);
  doc.add(
    el('path', {
      d,
      fill: 'none',
      stroke: hex(glow),
      'stroke-width': f.s * 0.02,
      opacity: 0.25,
      'stroke-linejoin': 'round',
    }),
  );
  doc.add(
    el('path', {
      d,
      fill: 'none',
      stroke: hex(WHITE),
      'stroke-width': Math.max(1, f.s * 0.004),
      'stroke-linejoin': 'round',
    }),
  );
}
