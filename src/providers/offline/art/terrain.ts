/** Layered land silhouettes (ridges, hills, dunes) with their trees and cacti, hazed apart. */

import type { Rng } from '../../../prompts/seeded-random.js';
import { lerp, mix, type Rgb } from './colour.js';
import type { Frame } from './frame.js';
import type { Palette } from './palette.js';
import type { Scene } from './scene.js';
import {
  circlePath,
  el,
  ellipsePath,
  fmt,
  type Point,
  polyPath,
  pt,
  rectPath,
  smoothLine,
  type SvgDoc,
} from './svg.js';

interface TerrainOptions {
  kind: 'jagged' | 'smooth' | 'dunes';
  layers: number;
  trees?: 'pine' | 'round';
  cacti?: boolean;
  /** Fraction of the space below the horizon the layers spread over. */
  spread?: number;
  /** Visual depth of the farthest and nearest layer (0 far … 1 near); drives colour and size. */
  depth?: readonly [number, number];
}

/** Silhouette colour of layer `t` (0 far … 1 near). Far layers melt into the haze, the middle
 * shows the land's own colour, the nearest go dark; going through `land` instead of mixing haze
 * straight into ground keeps e.g. blue haze + brown sand from passing through grey. */
export function layerColour(p: Palette, t: number): Rgb {
  if (t < 0.5) return mix(mix(p.horizon, p.land, 0.35), p.land, t / 0.5);
  return mix(p.land, p.ground, ((t - 0.5) / 0.5) * 0.8);
}

export function paintTerrain(
  doc: SvgDoc,
  f: Frame,
  scene: Scene,
  p: Palette,
  rng: Rng,
  options: TerrainOptions,
): void {
  const { layers } = options;
  const spread = options.spread ?? 0.7;
  const [far, near] = options.depth ?? [0, 1];
  for (let i = 0; i < layers; i++) {
    const position = layers === 1 ? 0 : i / (layers - 1);
    const t = lerp(far, near, position);
    const base = lerp(f.horizon, f.horizon + (f.h - f.horizon) * spread, position);
    const amp = f.s * lerp(options.kind === 'jagged' ? 0.3 : 0.14, 0.08, t);
    const profile =
      options.kind === 'jagged'
        ? jaggedProfile(rng, f, base, amp, t === 1 ? 0.45 : 0.55)
        : smoothProfile(rng, f, base, amp, options.kind === 'dunes');
    const outline =
      options.kind === 'jagged' ? `M${profile.map(pt).join('L')}` : smoothLine(profile);
    let d = `${outline}L${fmt(f.w + f.s * 0.1)},${fmt(f.h + 1)}L${fmt(-f.s * 0.1)},${fmt(f.h + 1)}Z`;

    // Trees join the hill's own path so the layer stays one element with one gradient.
    if (options.trees && i > 0) d += treeRow(rng, f, profile, t, options.trees);
    if (options.cacti && i === layers - 1) d += cactusRow(rng, f, profile);

    const colour = layerColour(p, t);
    // The farthest range of real mountains gets snow caps even without snow in the prompt.
    const snowy = scene.weather === 'snow' || (options.kind === 'jagged' && t === 0);
    const top = snowy ? mix(colour, p.sparkle, 0.75 - t * 0.35) : mix(colour, p.accent, 0.18);
    const fill = doc.linear([
      { offset: 0, color: top },
      { offset: snowy ? 0.28 : 0.5, color: mix(top, colour, 0.7) },
      { offset: 1, color: colour },
    ]);
    doc.add(el('path', { d, fill }));

    // Haze between layers separates them and pushes the far ones back.
    if (i < layers - 1) paintMist(doc, f, scene, p, base - amp * 0.4);
  }
}

export function paintMist(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, top: number): void {
  const strength = scene.weather === 'fog' ? 0.55 : 0.22;
  const fill = doc.linear([
    { offset: 0, color: p.horizon, opacity: 0 },
    { offset: 0.5, color: p.horizon, opacity: strength },
    { offset: 1, color: p.horizon, opacity: strength * 0.4 },
  ]);
  doc.add(el('rect', { x: 0, y: top, width: f.w, height: Math.max(1, f.h - top), fill }));
}

/** Mountain ridge by midpoint displacement: self-similar and craggy like real ridgelines. */
function jaggedProfile(rng: Rng, f: Frame, base: number, amp: number, roughness: number): Point[] {
  const segments = 64;
  const heights = new Array<number>(segments + 1).fill(0);
  heights[0] = rng.next();
  heights[segments] = rng.next();
  let scale = 1;
  for (let step = segments; step > 1; step /= 2) {
    const half = step / 2;
    for (let i = half; i < segments; i += step) {
      heights[i] = (heights[i - half] + heights[i + half]) / 2 + rng.range(-0.5, 0.5) * scale;
    }
    scale *= roughness;
  }
  return toProfile(f, heights, base, amp);
}

/** Rolling hills or dunes: a few sines; dunes add a harmonic that skews the crests. */
export function smoothProfile(
  rng: Rng,
  f: Frame,
  base: number,
  amp: number,
  dunes: boolean,
): Point[] {
  // More waves on wide canvases, but capped (with samples to match) so strips don't alias.
  const aspect = Math.min(f.w / f.s, 4);
  const samples = Math.ceil(20 * aspect) + 8;
  const freq1 = rng.range(1.2, 2.4) * aspect;
  const freq2 = rng.range(2.5, 4.5) * aspect;
  const phase1 = rng.range(0, Math.PI * 2);
  const phase2 = rng.range(0, Math.PI * 2);
  const heights: number[] = [];
  for (let i = 0; i <= samples; i++) {
    const u = (i / samples) * Math.PI;
    const main = Math.sin(u * freq1 + phase1);
    const skew = dunes ? 0.45 * Math.sin(2 * (u * freq1 + phase1) + 0.9) : 0;
    heights.push(main + skew + 0.35 * Math.sin(u * freq2 + phase2));
  }
  return toProfile(f, heights, base, amp);
}

/** Normalises raw heights to 0..1 and spreads them across the width (with a margin). */
function toProfile(f: Frame, heights: readonly number[], base: number, amp: number): Point[] {
  const min = Math.min(...heights);
  const span = Math.max(...heights) - min || 1;
  const left = -f.s * 0.1;
  const width = f.w + f.s * 0.2;
  return heights.map((h, i) => ({
    x: left + (width * i) / (heights.length - 1),
    y: base - amp * ((h - min) / span),
  }));
}

/** Height of a profile at x, by linear interpolation. */
export function profileY(profile: readonly Point[], x: number): number {
  for (let i = 1; i < profile.length; i++) {
    if (profile[i].x >= x) {
      const a = profile[i - 1];
      const b = profile[i];
      return lerp(a.y, b.y, (x - a.x) / (b.x - a.x || 1));
    }
  }
  return profile[profile.length - 1].y;
}

function treeRow(
  rng: Rng,
  f: Frame,
  profile: readonly Point[],
  depth: number,
  kind: 'pine' | 'round',
): string {
  const size = f.s * lerp(0.05, 0.16, depth);
  let d = '';
  let x = -size * rng.range(0, 1);
  let count = 0;
  while (x < f.w + size && count < 60) {
    const height = size * rng.range(0.7, 1.3);
    // Sink trees slightly into the hill so bases never float above a slope.
    const base = profileY(profile, x) + height * 0.08;
    d += kind === 'pine' ? pineTree(x, base, height) : roundTree(x, base, height, rng);
    x += size * rng.range(kind === 'pine' ? 0.25 : 0.6, kind === 'pine' ? 0.9 : 2.2);
    count++;
  }
  return d;
}

function pineTree(x: number, base: number, height: number): string {
  let d = rectPath(x - height * 0.03, base - height * 0.2, height * 0.06, height * 0.25);
  for (let tier = 0; tier < 3; tier++) {
    const top = base - height + tier * height * 0.22;
    const bottom = top + height * 0.42;
    const half = height * (0.12 + tier * 0.06);
    d += polyPath([
      { x, y: top },
      { x: x + half, y: bottom },
      { x: x - half, y: bottom },
    ]);
  }
  return d;
}

function roundTree(x: number, base: number, height: number, rng: Rng): string {
  const r = height * rng.range(0.28, 0.36);
  return (
    rectPath(x - height * 0.035, base - height * 0.55, height * 0.07, height * 0.55) +
    ellipsePath(x, base - height + r, r, r * 1.1)
  );
}

function cactusRow(rng: Rng, f: Frame, profile: readonly Point[]): string {
  let d = '';
  for (let i = 0; i < rng.int(1, 3); i++) {
    const x = rng.range(0.05, 0.95) * f.w;
    const height = f.s * rng.range(0.08, 0.16);
    const base = profileY(profile, x) + height * 0.05;
    const trunk = height * 0.14;
    d += rectPath(x - trunk / 2, base - height, trunk, height);
    d += circlePath(x, base - height, trunk / 2);
    // Two arms at different heights: the classic saguaro silhouette.
    for (const side of [-1, 1]) {
      const armY = base - height * rng.range(0.45, 0.7);
      const armX = x + side * trunk * 1.4;
      d += rectPath(Math.min(x, armX), armY - trunk * 0.4, trunk * 1.4, trunk * 0.8);
      d += rectPath(armX - trunk * 0.4, armY - height * 0.3, trunk * 0.8, height * 0.3);
      d += circlePath(armX, armY - height * 0.3, trunk * 0.4);
    }
  }
  return d;
}
