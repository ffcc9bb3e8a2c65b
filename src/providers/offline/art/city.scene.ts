/** The city: skyline layers with lit windows, and a street that reflects them when wet. */

import type { Rng } from '../../../prompts/seeded-random.js';
import { hex, lerp, mix } from './colour.js';
import type { Frame } from './frame.js';
import type { Palette } from './palette.js';
import type { Scene } from './scene.js';
import { el, polyPath, rectPath, type SvgDoc } from './svg.js';
import { layerColour, paintMist } from './terrain.js';

export function paintCity(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
  const night = scene.time === 'night' || scene.time === 'sunset';
  if (scene.style.neon || scene.time === 'night') {
    // City glow bleeding into the low sky.
    const glow = doc.radial([
      { offset: 0, color: p.accent, opacity: 0.45 },
      { offset: 1, color: p.accent, opacity: 0 },
    ]);
    doc.add(
      el('ellipse', {
        cx: f.w / 2,
        cy: f.horizon,
        rx: f.w * 0.7,
        ry: f.s * 0.35,
        fill: glow,
      }),
    );
  }

  const ground = f.horizon + (f.h - f.horizon) * 0.45;
  const layers = 3;
  let windowBudget = 420;
  for (let i = 0; i < layers; i++) {
    const t = i / (layers - 1);
    const colour = layerColour(p, t);
    const baseY = lerp(f.horizon + (f.h - f.horizon) * 0.15, ground, t);
    const skyline = skylineLayer(rng, f, baseY, t);
    const fill = doc.linear([
      { offset: 0, color: mix(colour, p.accent, 0.12) },
      { offset: 1, color: colour },
    ]);
    doc.add(el('path', { d: skyline.d, fill }));

    if (i > 0 && windowBudget > 0) {
      const lights = windowLights(rng, f, skyline.blocks, night, windowBudget);
      windowBudget -= lights.count;
      const [warm, cool] = lights.paths;
      if (warm) doc.add(el('path', { d: warm, fill: hex(p.accent2), opacity: night ? 0.9 : 0.35 }));
      if (cool) doc.add(el('path', { d: cool, fill: hex(p.accent), opacity: night ? 0.85 : 0.3 }));
    }
    if (i < layers - 1) paintMist(doc, f, scene, p, baseY - f.s * 0.05);
  }
  paintStreet(doc, f, scene, p, rng, ground);
}

interface Block {
  x: number;
  top: number;
  width: number;
  bottom: number;
}

function skylineLayer(
  rng: Rng,
  f: Frame,
  baseY: number,
  depth: number,
): { d: string; blocks: Block[] } {
  const blocks: Block[] = [];
  let d = '';
  let x = -rng.range(0, f.s * 0.05);
  while (x < f.w) {
    const width = f.s * rng.range(0.05, 0.11) * lerp(0.8, 1.25, depth);
    const height = f.s * rng.range(0.12, 0.42) * lerp(1.15, 0.85, depth);
    const top = baseY - height;
    d += rectPath(x, top, width, f.h - top + 1);
    // Roof details make the skyline read as buildings rather than a bar chart.
    const roof = rng.next();
    if (roof < 0.25) {
      d += rectPath(x + width * 0.2, top - height * 0.08, width * 0.6, height * 0.08 + 1);
    } else if (roof < 0.4) {
      d += polyPath([
        { x, y: top + 1 },
        { x: x + width / 2, y: top - width * 0.5 },
        { x: x + width, y: top + 1 },
      ]);
    } else if (roof < 0.55) {
      d += rectPath(
        x + width * 0.48,
        top - height * 0.22,
        Math.max(1, width * 0.04),
        height * 0.22,
      );
    }
    blocks.push({ x, top, width, bottom: baseY });
    x += width + (rng.chance(0.3) ? f.s * rng.range(0, 0.02) : -width * rng.range(0, 0.15));
  }
  return { d, blocks };
}

function windowLights(
  rng: Rng,
  f: Frame,
  blocks: readonly Block[],
  night: boolean,
  budget: number,
): { paths: [string, string]; count: number } {
  const paths: [string, string] = ['', ''];
  let count = 0;
  const cell = f.s * 0.018;
  const litChance = night ? 0.38 : 0.22;
  for (const block of blocks) {
    const cols = Math.floor((block.width - cell) / cell);
    const rows = Math.floor((block.bottom - block.top - cell) / (cell * 1.4));
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        if (count >= budget) return { paths, count };
        if (!rng.chance(litChance)) continue;
        const x = block.x + cell * 0.75 + c * cell;
        const y = block.top + cell * 0.8 + r * cell * 1.4;
        paths[rng.chance(0.75) ? 0 : 1] += rectPath(x, y, cell * 0.55, cell * 0.75);
        count++;
      }
    }
  }
  return { paths, count };
}

function paintStreet(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng, top: number): void {
  const wet = scene.weather === 'rain' || scene.weather === 'storm' || scene.style.neon;
  const fill = doc.linear([
    { offset: 0, color: mix(p.ground, p.horizon, 0.2) },
    { offset: 1, color: p.ground },
  ]);
  doc.add(el('rect', { x: 0, y: top, width: f.w, height: f.h - top, fill }));
  if (!wet) return;
  // Wet asphalt: coloured light streaks reflected down from the skyline.
  const colours = [p.accent, p.accent2];
  for (const colour of colours) {
    let d = '';
    for (let i = 0; i < 7; i++) {
      const x = rng.range(0, f.w);
      const width = f.s * rng.range(0.004, 0.02);
      d += rectPath(x, top + 1, width, (f.h - top) * rng.range(0.4, 0.95));
    }
    const streak = doc.linear([
      { offset: 0, color: colour, opacity: 0.6 },
      { offset: 1, color: colour, opacity: 0 },
    ]);
    doc.add(el('path', { d, fill: streak }));
  }
}
