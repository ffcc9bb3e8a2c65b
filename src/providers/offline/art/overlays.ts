/** Painted over any scene: weather, birds, film grain and the vignette. */

import type { Rng } from '../../../prompts/seeded-random.js';
import { hex, mix } from './colour.js';
import type { Frame } from './frame.js';
import type { Palette } from './palette.js';
import type { Scene } from './scene.js';
import { circlePath, el, ellipsePath, fmt, rectPath, type SvgDoc } from './svg.js';

export function paintRain(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
  const slant = rng.range(-0.25, 0.1);
  let d = '';
  for (let i = 0; i < 110; i++) {
    const x = rng.range(-0.1, 1.1) * f.w;
    const y = rng.range(-0.1, 1) * f.h;
    const length = f.s * rng.range(0.02, 0.05);
    d += `M${fmt(x)},${fmt(y)}l${fmt(length * slant)},${fmt(length)}`;
  }
  doc.add(
    el('path', {
      d,
      stroke: hex(p.sparkle),
      'stroke-width': Math.max(0.5, f.s * 0.0015),
      'stroke-linecap': 'round',
      opacity: 0.35,
    }),
  );
}

export function paintSnowfall(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
  const sizes = [0.002, 0.0035, 0.006];
  sizes.forEach((size, i) => {
    let d = '';
    for (let k = 0; k < 40; k++) {
      d += circlePath(rng.range(0, f.w), rng.range(0, f.h), f.s * size * rng.range(0.7, 1.3));
    }
    doc.add(el('path', { d, fill: hex(p.sparkle), opacity: 0.55 + i * 0.15 }));
  });
}

export function paintBirds(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
  // A loose flock near the focal point: curved "v" strokes shrinking with distance.
  let d = '';
  const count = rng.int(3, 8);
  const lead = {
    x: f.focal.x + f.s * rng.range(-0.25, 0.25),
    y: f.horizon * rng.range(0.25, 0.55),
  };
  for (let i = 0; i < count; i++) {
    const size = f.s * (i === 0 ? 0.04 : rng.range(0.012, 0.028));
    const x = lead.x + (i === 0 ? 0 : f.s * rng.range(-0.2, 0.2));
    const y = lead.y + (i === 0 ? 0 : f.s * rng.range(-0.1, 0.1));
    const lift = size * rng.range(0.25, 0.6);
    d +=
      `M${fmt(x - size)},${fmt(y - lift)}Q${fmt(x - size / 2)},${fmt(y - lift * 1.4)} ${fmt(x)},${fmt(y)}` +
      `Q${fmt(x + size / 2)},${fmt(y - lift * 1.4)} ${fmt(x + size)},${fmt(y - lift)}`;
  }
  doc.add(
    el('path', {
      d,
      fill: 'none',
      stroke: hex(mix(p.ground, p.skyTop, 0.2)),
      'stroke-width': Math.max(0.8, f.s * 0.0035),
      'stroke-linecap': 'round',
      'stroke-linejoin': 'round',
    }),
  );
}

/** Film grain as a tiny tiled pattern: texture for a handful of elements and almost no cost. */
export function paintGrain(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
  // Big enough (with enough dots) that the repeat doesn't read as a grid.
  const tile = Math.max(8, Math.round(f.s / 9));
  let light = '';
  let dark = '';
  for (let i = 0; i < 30; i++) {
    const dot = circlePath(
      rng.range(0, tile),
      rng.range(0, tile),
      Math.max(0.4, f.s * rng.range(0.0006, 0.0014)),
    );
    if (i % 2 === 0) light += dot;
    else dark += dot;
  }
  const content =
    el('path', { d: light, fill: hex(p.sparkle), opacity: 0.12 }) +
    el('path', { d: dark, fill: hex(p.shade), opacity: 0.12 });
  doc.add(el('rect', { width: f.w, height: f.h, fill: doc.pattern(tile, content) }));
}

export function paintVignette(doc: SvgDoc, p: Palette, scene: Scene): void {
  const strength = scene.style.pastel ? 0.22 : 0.45;
  const fill = doc.radial(
    [
      { offset: 0.55, color: p.shade, opacity: 0 },
      { offset: 1, color: p.shade, opacity: strength },
    ],
    { cx: 0.5, cy: 0.5, r: 0.75 },
  );
  // The gradient is fully transparent inside 0.55 × 0.75 of the box, so that ellipse is cut out
  // (even-odd hole, just inside the transparent zone): rasterising a full-canvas radial gradient
  // is the single most expensive thing librsvg does here, and the hole halves its area.
  const { width: w, height: h } = doc;
  const d = rectPath(0, 0, w, h) + ellipsePath(w / 2, h / 2, w * 0.4, h * 0.4);
  doc.add(el('path', { d, fill, 'fill-rule': 'evenodd' }));
}
