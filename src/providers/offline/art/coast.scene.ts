/** The coast: a far headland, the sea with its glitter path, a cliff and sometimes a lighthouse. */

import type { Rng } from '../../../prompts/seeded-random.js';
import { hex, lerp, mix, WHITE } from './colour.js';
import type { Frame } from './frame.js';
import type { Palette } from './palette.js';
import type { Scene } from './scene.js';
import { el, fmt, type Point, polyPath, pt, rectPath, type SvgDoc } from './svg.js';
import { paintTerrain } from './terrain.js';

export function paintCoast(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
  // A low, hazy headland on the horizon gives the sea a far shore.
  paintTerrain(doc, { ...f, horizon: f.horizon + 1 }, scene, p, rng, {
    kind: 'jagged',
    layers: 1,
    spread: 0,
    depth: [0.15, 0.15],
  });
  paintSea(doc, f, p, rng, scene.weather !== 'storm');
  paintCliff(doc, f, scene, p, rng);
}

function paintSea(doc: SvgDoc, f: Frame, p: Palette, rng: Rng, sunlit: boolean): void {
  const deep = mix(p.ground, p.skyTop, 0.35);
  const fill = doc.linear([
    { offset: 0, color: mix(p.horizon, p.skyMid, 0.3) },
    { offset: 1, color: deep },
  ]);
  doc.add(el('rect', { x: 0, y: f.horizon, width: f.w, height: f.h - f.horizon, fill }));

  // Wave crests: rows packed tighter towards the horizon, like perspective does.
  let crests = '';
  const rows = 22;
  for (let row = 1; row <= rows; row++) {
    const y = f.horizon + (f.h - f.horizon) * (row / rows) ** 1.7;
    const length = f.s * lerp(0.02, 0.12, row / rows);
    for (let k = 0; k < 3; k++) {
      const x = rng.range(-length, f.w);
      crests += `M${fmt(x)},${fmt(y)}h${fmt(length * rng.range(0.5, 1.2))}`;
    }
  }
  doc.add(
    el('path', {
      d: crests,
      stroke: hex(p.sparkle),
      'stroke-width': Math.max(0.6, f.s * 0.002),
      'stroke-linecap': 'round',
      opacity: 0.35,
    }),
  );

  // The focal light's glitter path on the water (none when storm clouds hide the light).
  if (!sunlit) return;
  let glitter = '';
  for (let row = 0; row < 26; row++) {
    const v = row / 26;
    const y = f.horizon + (f.h - f.horizon) * v ** 1.3 + 2;
    const half = f.focalR * lerp(0.6, 1.8, v) * rng.range(0.3, 1);
    const x = f.focal.x + rng.range(-0.3, 0.3) * f.focalR;
    glitter += rectPath(x - half, y, half * 2, Math.max(0.8, f.s * 0.003 * (1 + v * 2)));
  }
  doc.add(el('path', { d: glitter, fill: hex(p.accent), opacity: 0.55 }));
}

function paintCliff(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
  // The cliff stands on the side away from the sun so it never hides the focal light.
  const onLeft = f.focal.x > f.w / 2;
  const edgeX = f.w * rng.range(0.22, 0.38);
  const topY = f.horizon - f.s * rng.range(0.08, 0.2);
  const points: Point[] = [
    { x: 0, y: f.h + 1 },
    { x: 0, y: topY - f.s * 0.02 },
  ];
  const steps = 8;
  for (let i = 1; i <= steps; i++) {
    const u = i / steps;
    // Flat-ish top that then drops steeply into the sea.
    const x = edgeX * (u < 0.7 ? u / 0.7 : 1 + (u - 0.7) * 0.35);
    const y = u < 0.7 ? topY + rng.range(-0.01, 0.01) * f.s : lerp(topY, f.h + 1, (u - 0.7) / 0.3);
    points.push({ x: x + (u < 0.7 ? 0 : rng.range(-0.02, 0.02) * f.s), y });
  }
  const mirror = (point: Point): Point => (onLeft ? point : { x: f.w - point.x, y: point.y });
  const colour = p.ground;
  // Lit from the sea side (where the sun is), fading into shadow inland.
  const fill = doc.linear(
    [
      { offset: 0, color: mix(colour, p.skyTop, 0.25) },
      { offset: 1, color: mix(colour, p.accent, 0.22) },
    ],
    onLeft ? { x1: 0, y1: 0, x2: 1, y2: 0.3 } : { x1: 1, y1: 0, x2: 0, y2: 0.3 },
  );
  doc.add(el('path', { d: polyPath(points.map(mirror)), fill }));

  // Rock strata: a few slanted dark ledges keep the cliff face from being a flat cut-out.
  let strata = '';
  for (let i = 0; i < 5; i++) {
    const y = lerp(topY, f.h, rng.range(0.15, 0.9));
    const x = edgeX * rng.range(0.1, 0.75);
    const length = edgeX * rng.range(0.2, 0.45);
    const a = mirror({ x, y });
    const b = mirror({ x: x + length, y: y + length * 0.12 });
    strata += `M${pt(a)}L${pt(b)}`;
  }
  doc.add(
    el('path', {
      d: strata,
      stroke: hex(p.shade),
      'stroke-width': Math.max(1, f.s * 0.004),
      'stroke-linecap': 'round',
      opacity: 0.35,
    }),
  );

  if (scene.lighthouse) {
    const x = onLeft ? edgeX * 0.6 : f.w - edgeX * 0.6;
    paintLighthouse(doc, f, scene, p, { x, y: topY + f.s * 0.005 }, onLeft ? 1 : -1);
  }
}

function paintLighthouse(
  doc: SvgDoc,
  f: Frame,
  scene: Scene,
  p: Palette,
  base: Point,
  facing: number,
): void {
  const height = f.s * 0.2;
  const bottomHalf = height * 0.09;
  const topHalf = height * 0.06;
  const topY = base.y - height;
  const lamp = { x: base.x, y: topY - height * 0.08 };
  const dark = mix(p.ground, p.skyTop, 0.15);

  // The beam only shows when the sky is dark enough for it to matter.
  if (scene.time === 'night' || scene.time === 'sunset' || scene.weather === 'storm') {
    const reach = f.w * 0.8;
    const beam = doc.linear(
      [
        { offset: 0, color: p.accent, opacity: 0.55 },
        { offset: 1, color: p.accent, opacity: 0 },
      ],
      facing > 0 ? { x1: 0, y1: 0, x2: 1, y2: 0 } : { x1: 1, y1: 0, x2: 0, y2: 0 },
    );
    doc.add(
      el('path', {
        d: polyPath([
          lamp,
          { x: lamp.x + facing * reach, y: lamp.y - f.s * 0.09 },
          { x: lamp.x + facing * reach, y: lamp.y + f.s * 0.06 },
        ]),
        fill: beam,
      }),
    );
  }
  const glow = doc.radial([
    { offset: 0, color: p.accent, opacity: 0.8 },
    { offset: 1, color: p.accent, opacity: 0 },
  ]);
  doc.add(el('circle', { cx: lamp.x, cy: lamp.y, r: height * 0.35, fill: glow }));

  const tower = polyPath([
    { x: base.x - bottomHalf, y: base.y },
    { x: base.x - topHalf, y: topY },
    { x: base.x + topHalf, y: topY },
    { x: base.x + bottomHalf, y: base.y },
  ]);
  doc.add(el('path', { d: tower, fill: hex(mix(dark, p.sparkle, 0.55)) }));
  // Two painted bands, the usual lighthouse livery.
  let bands = '';
  for (const v of [0.25, 0.62]) {
    const y = base.y - height * v;
    const half = lerp(bottomHalf, topHalf, v);
    bands += rectPath(base.x - half, y - height * 0.1, half * 2, height * 0.12);
  }
  doc.add(el('path', { d: bands, fill: hex(mix(p.accent, dark, 0.45)) }));
  const lampRoom = rectPath(
    base.x - topHalf * 0.8,
    lamp.y - height * 0.05,
    topHalf * 1.6,
    height * 0.1,
  );
  const roof = polyPath([
    { x: base.x - topHalf * 1.2, y: lamp.y - height * 0.05 },
    { x: base.x, y: lamp.y - height * 0.14 },
    { x: base.x + topHalf * 1.2, y: lamp.y - height * 0.05 },
  ]);
  doc.add(
    el('path', {
      d: roof + rectPath(base.x - topHalf * 1.2, topY - 1, topHalf * 2.4, 2),
      fill: hex(dark),
    }),
  );
  doc.add(el('path', { d: lampRoom, fill: hex(mix(p.accent, WHITE, 0.4)) }));
}
