/** Underwater: light shafts, a glow, jellyfish, seabed banks with kelp, particles and bubbles. */

import type { Rng } from '../../../prompts/seeded-random.js';
import { hex, lerp, mix, WHITE } from './colour.js';
import type { Frame } from './frame.js';
import type { Palette } from './palette.js';
import type { Scene } from './scene.js';
import { circlePath, el, fmt, type Point, polyPath, smoothLine, type SvgDoc } from './svg.js';
import { profileY, smoothProfile } from './terrain.js';

export function paintUnderwater(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
  const water = doc.linear([
    { offset: 0, color: p.skyTop },
    { offset: 0.45, color: p.skyMid },
    { offset: 1, color: p.horizon },
  ]);
  doc.add(el('rect', { width: f.w, height: f.h, fill: water }));

  // Sun shafts from the surface, fading with depth.
  const shaft = doc.linear([
    { offset: 0, color: p.sparkle, opacity: 0.35 },
    { offset: 1, color: p.sparkle, opacity: 0 },
  ]);
  let shafts = '';
  for (let i = 0; i < rng.int(4, 7); i++) {
    const x = rng.range(0, f.w);
    const top = f.s * rng.range(0.02, 0.06);
    const lean = f.s * rng.range(0.05, 0.25);
    const spread = f.s * rng.range(0.06, 0.16);
    shafts += polyPath([
      { x: x - top, y: -1 },
      { x: x + top, y: -1 },
      { x: x + lean + spread, y: f.h * 0.85 },
      { x: x + lean - spread, y: f.h * 0.85 },
    ]);
  }
  doc.add(el('path', { d: shafts, fill: shaft }));

  paintGlowOrb(doc, f, p);
  if (scene.jellyfish) paintJellyfish(doc, f, p, rng);

  // Seabed layers with kelp rooted on the nearer ones.
  const bedTop = f.h * rng.range(0.76, 0.84);
  for (let i = 0; i < 3; i++) {
    const t = i / 2;
    const base = lerp(bedTop, f.h * 0.97, t);
    const profile = smoothProfile(rng, f, base, f.s * lerp(0.1, 0.05, t), false);
    // Far banks stay close to the water colour so depth reads; only the nearest goes dark.
    const colour = mix(mix(p.skyMid, p.horizon, 0.4), p.ground, lerp(0, 0.9, t));
    if (i > 0) {
      // Kelp behind its own bank, tinted towards the glow so it reads as living, not a crack.
      const kelp = mix(colour, p.accent2, 0.22);
      doc.add(el('path', { d: kelpRow(rng, f, profile, t), fill: hex(kelp), opacity: 0.9 }));
    }
    const d = `${smoothLine(profile)}L${fmt(f.w + f.s * 0.1)},${fmt(f.h + 1)}L${fmt(-f.s * 0.1)},${fmt(f.h + 1)}Z`;
    doc.add(el('path', { d, fill: hex(colour) }));
  }

  paintParticles(doc, f, p, rng);
  paintBubbles(doc, f, p, rng);
}

function paintGlowOrb(doc: SvgDoc, f: Frame, p: Palette): void {
  const glow = doc.radial([
    { offset: 0, color: p.accent, opacity: 0.55 },
    { offset: 0.4, color: p.accent, opacity: 0.18 },
    { offset: 1, color: p.accent, opacity: 0 },
  ]);
  doc.add(el('circle', { cx: f.focal.x, cy: f.focal.y + f.h * 0.25, r: f.focalR * 5, fill: glow }));
}

function paintJellyfish(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
  const count = rng.int(1, 3);
  for (let i = 0; i < count; i++) {
    const r = f.s * (i === 0 ? rng.range(0.07, 0.1) : rng.range(0.025, 0.05));
    const cx = i === 0 ? f.focal.x : rng.range(0.1, 0.9) * f.w;
    const cy = i === 0 ? f.focal.y + f.h * 0.2 : rng.range(0.2, 0.6) * f.h;
    const bell = `M${fmt(cx - r)},${fmt(cy)}a${fmt(r)},${fmt(r * 0.85)} 0 0,1 ${fmt(2 * r)},0Q${fmt(cx)},${fmt(cy + r * 0.3)} ${fmt(cx - r)},${fmt(cy)}Z`;
    let tentacles = '';
    for (let k = 0; k < 5; k++) {
      const x = cx - r * 0.7 + (k * r * 1.4) / 4;
      const length = r * rng.range(1.6, 2.6);
      const sway = r * rng.range(0.2, 0.4);
      tentacles += `M${fmt(x)},${fmt(cy + r * 0.1)}q${fmt(sway)},${fmt(length / 2)} 0,${fmt(length)}`;
    }
    const halo = doc.radial([
      { offset: 0, color: p.accent2, opacity: 0.5 },
      { offset: 1, color: p.accent2, opacity: 0 },
    ]);
    doc.add(el('circle', { cx, cy, r: r * 2.4, fill: halo }));
    doc.add(
      el('path', {
        d: tentacles,
        fill: 'none',
        stroke: hex(p.accent2),
        'stroke-width': Math.max(0.6, r * 0.05),
        'stroke-linecap': 'round',
        opacity: 0.7,
      }),
    );
    doc.add(el('path', { d: bell, fill: hex(mix(p.accent2, WHITE, 0.3)), opacity: 0.85 }));
  }
}

function kelpRow(rng: Rng, f: Frame, profile: readonly Point[], depth: number): string {
  let d = '';
  const count = rng.int(3, 7);
  for (let i = 0; i < count; i++) {
    const x = rng.range(0, f.w);
    const base = profileY(profile, x) + f.s * 0.02;
    const height = f.s * rng.range(0.18, 0.42) * lerp(0.7, 1.2, depth);
    const width = f.s * rng.range(0.012, 0.02) * lerp(0.8, 1.5, depth);
    const sway = f.s * rng.range(0.03, 0.06) * (rng.chance(0.5) ? 1 : -1);
    // A ribbon blade: an S-curve up one side to the tip and back down the other.
    const up =
      `C${fmt(x - width + sway)},${fmt(base - height * 0.35)} ` +
      `${fmt(x - width * 0.6 - sway)},${fmt(base - height * 0.7)} ` +
      `${fmt(x + sway * 0.6)},${fmt(base - height)}`;
    const down =
      `C${fmt(x + width * 0.6 - sway)},${fmt(base - height * 0.7)} ` +
      `${fmt(x + width + sway)},${fmt(base - height * 0.35)} ` +
      `${fmt(x + width)},${fmt(base)}`;
    d += `M${fmt(x - width)},${fmt(base)}${up}${down}Z`;
  }
  return d;
}

function paintParticles(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
  let d = '';
  for (let i = 0; i < 45; i++) {
    d += circlePath(rng.range(0, f.w), rng.range(0, f.h), f.s * rng.range(0.0015, 0.004));
  }
  doc.add(el('path', { d, fill: hex(p.accent2), opacity: 0.75 }));
}

function paintBubbles(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
  let d = '';
  // Bubbles rise in loose columns, so cluster them around a few x positions.
  for (let column = 0; column < 3; column++) {
    const x = rng.range(0.1, 0.9) * f.w;
    for (let i = 0; i < 10; i++) {
      const y = f.h * rng.range(0.05, 0.85);
      d += circlePath(x + rng.range(-0.03, 0.03) * f.s, y, f.s * rng.range(0.004, 0.014));
    }
  }
  doc.add(
    el('path', {
      d,
      fill: hex(p.sparkle),
      'fill-opacity': 0.12,
      stroke: hex(p.sparkle),
      'stroke-width': Math.max(0.5, f.s * 0.0015),
      'stroke-opacity': 0.6,
    }),
  );
}
