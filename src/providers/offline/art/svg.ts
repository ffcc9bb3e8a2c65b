/**
 * Writing SVG markup: number formatting, path builders and a document that collects its own
 * gradients and patterns. Every attribute value is a number, a colour or an id made here.
 */

import { hex, type Rgb } from './colour.js';

type AttrValue = string | number | undefined;

/** Attributes in the 0..1 range need more than one decimal to stay smooth. */
const FINE_ATTRS = new Set(['opacity', 'fill-opacity', 'stroke-opacity', 'stop-opacity', 'offset']);

/** Rounds to one decimal (keeps the output compact); avoids "-0". */
export function fmt(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return String(rounded === 0 ? 0 : rounded);
}

function fmtFine(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}

function pct(fraction: number): string {
  return `${fmt(fraction * 100)}%`;
}

export function el(name: string, attrs: Record<string, AttrValue>, children = ''): string {
  let out = `<${name}`;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    const text =
      typeof value === 'number' ? (FINE_ATTRS.has(key) ? fmtFine(value) : fmt(value)) : value;
    out += ` ${key}="${text}"`;
  }
  return children === '' ? `${out}/>` : `${out}>${children}</${name}>`;
}

export interface Point {
  x: number;
  y: number;
}

export function pt(p: Point): string {
  return `${fmt(p.x)},${fmt(p.y)}`;
}

export function polyPath(points: readonly Point[]): string {
  return `M${points.map(pt).join('L')}Z`;
}

/** Closed circle as a path, so hundreds of dots can share one element. */
export function circlePath(cx: number, cy: number, r: number): string {
  return ellipsePath(cx, cy, r, r);
}

export function ellipsePath(cx: number, cy: number, rx: number, ry: number): string {
  const a = `${fmt(rx)},${fmt(ry)} 0 1,0`;
  return `M${fmt(cx - rx)},${fmt(cy)}a${a} ${fmt(2 * rx)},0a${a} ${fmt(-2 * rx)},0Z`;
}

export function rectPath(x: number, y: number, w: number, h: number): string {
  return `M${fmt(x)},${fmt(y)}h${fmt(w)}v${fmt(h)}h${fmt(-w)}Z`;
}

/** Smooth curve through a profile: each point becomes a quadratic control point, curves meet at
 * the midpoints. Cheap, and free of the overshoot a spline through the points would have. */
export function smoothLine(points: readonly Point[]): string {
  let d = `M${pt(points[0])}`;
  for (let i = 1; i < points.length - 1; i++) {
    const mid = { x: (points[i].x + points[i + 1].x) / 2, y: (points[i].y + points[i + 1].y) / 2 };
    d += `Q${pt(points[i])} ${pt(mid)}`;
  }
  return `${d}L${pt(points[points.length - 1])}`;
}

interface Stop {
  offset: number;
  color: Rgb;
  opacity?: number;
}

function stopsMarkup(stops: readonly Stop[]): string {
  return stops
    .map((stop) =>
      el('stop', {
        offset: stop.offset,
        'stop-color': hex(stop.color),
        'stop-opacity': stop.opacity,
      }),
    )
    .join('');
}

export class SvgDoc {
  private readonly defs: string[] = [];
  private readonly body: string[] = [];
  private counter = 0;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  add(markup: string): void {
    this.body.push(markup);
  }

  /** A vertical (default) or custom-direction linear gradient; returns its `url(#…)`. */
  linear(stops: readonly Stop[], direction = { x1: 0, y1: 0, x2: 0, y2: 1 }): string {
    const id = `g${this.counter++}`;
    this.defs.push(
      el(
        'linearGradient',
        {
          id,
          x1: pct(direction.x1),
          y1: pct(direction.y1),
          x2: pct(direction.x2),
          y2: pct(direction.y2),
        },
        stopsMarkup(stops),
      ),
    );
    return `url(#${id})`;
  }

  /** A radial gradient in the shape's bounding box; returns its `url(#…)`. */
  radial(stops: readonly Stop[], centre = { cx: 0.5, cy: 0.5, r: 0.5 }): string {
    const id = `g${this.counter++}`;
    this.defs.push(
      el(
        'radialGradient',
        { id, cx: pct(centre.cx), cy: pct(centre.cy), r: pct(centre.r) },
        stopsMarkup(stops),
      ),
    );
    return `url(#${id})`;
  }

  /** A tiling pattern in user space; returns its `url(#…)`. */
  pattern(size: number, content: string): string {
    const id = `p${this.counter++}`;
    this.defs.push(
      el('pattern', { id, width: size, height: size, patternUnits: 'userSpaceOnUse' }, content),
    );
    return `url(#${id})`;
  }

  toString(): string {
    const { width, height } = this;
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}">` +
      `<defs>${this.defs.join('')}</defs>${this.body.join('')}</svg>`
    );
  }
}
