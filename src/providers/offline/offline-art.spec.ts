import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';

import { composeSvg, type ArtRequest } from './offline-art.js';

const SUNSET =
  'a weathered lighthouse keeper standing quietly on a cliff at sunset, oil painting, golden hour backlight, warm amber palette';
const NEON_CITY = 'a neon city street at night in the rain, cyberpunk, teal and magenta palette';
const SNOWY_FOREST =
  'an origami crane drifting over a snowy forest at dawn, watercolor, pastel colors';
const UNDERWATER = 'a deep sea diver exploring an underwater kingdom, bioluminescent blues';

function request(overrides: Partial<ArtRequest> = {}): ArtRequest {
  return { prompt: SUNSET, seed: 42, width: 512, height: 512, ...overrides };
}

async function render(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Mean of the R, G and B channel means. */
async function meanColour(png: Buffer): Promise<[number, number, number]> {
  const { channels } = await sharp(png).stats();
  return [channels[0].mean, channels[1].mean, channels[2].mean];
}

describe('composeSvg', () => {
  it('is deterministic: the same request gives a byte-identical SVG', () => {
    for (const prompt of [SUNSET, NEON_CITY, SNOWY_FOREST, UNDERWATER, '']) {
      expect(composeSvg(request({ prompt }))).toBe(composeSvg(request({ prompt })));
    }
  });

  it('gives different SVGs for different prompts', () => {
    const svgs = [SUNSET, NEON_CITY, SNOWY_FOREST, UNDERWATER, 'a cat', 'a dog'].map((prompt) =>
      composeSvg(request({ prompt })),
    );
    expect(new Set(svgs).size).toBe(svgs.length);
  });

  it('gives different SVGs for different seeds', () => {
    const svgs = [0, 1, 2, 42, 2 ** 31].map((seed) => composeSvg(request({ seed })));
    expect(new Set(svgs).size).toBe(svgs.length);
  });

  it('takes the negative prompt into account', () => {
    const prompt = 'a quiet harbour in the rain';
    expect(composeSvg(request({ prompt, negativePrompt: 'rain' }))).not.toBe(
      composeSvg(request({ prompt })),
    );
  });

  it('never copies the prompt into the markup', () => {
    const prompt = '</svg><script>alert(1)</script><text>hello</text> "quoted" & <b>';
    const svg = composeSvg(request({ prompt, negativePrompt: '<script>evil()</script>' }));
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('alert');
    expect(svg).not.toContain('evil');
    expect(svg).not.toContain('hello');
    expect(svg).not.toContain('quoted');
    expect(svg.match(/<\/svg>/g)).toHaveLength(1);
  });

  it('is self-contained: no text, images, scripts or external references', () => {
    for (const prompt of [SUNSET, NEON_CITY, SNOWY_FOREST, UNDERWATER]) {
      const svg = composeSvg(request({ prompt }));
      expect(svg).not.toMatch(/<(text|image|script|foreignObject|use|style)\b/);
      expect(svg).not.toMatch(/href/);
      // The only URL is the SVG namespace; paint servers are all local `url(#…)` references.
      expect(svg.replace('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:/);
      expect(svg.match(/url\([^)]*\)/g)?.every((ref) => ref.startsWith('url(#'))).toBe(true);
    }
  });

  it('declares the requested size, for square and non-square canvases', () => {
    for (const [width, height] of [
      [64, 64],
      [1024, 1024],
      [1536, 640],
      [640, 2048],
    ]) {
      const svg = composeSvg(request({ width, height }));
      expect(svg).toMatch(new RegExp(`^<svg [^>]*width="${width}" height="${height}"`));
      expect(svg).toContain(`viewBox="0 0 ${width} ${height}"`);
    }
  });

  it('stays compact: a bounded number of elements', () => {
    for (const prompt of [SUNSET, NEON_CITY, SNOWY_FOREST, UNDERWATER]) {
      const svg = composeSvg(request({ prompt, width: 2048, height: 2048 }));
      const elements = svg.match(/<[a-zA-Z]/g) ?? [];
      expect(elements.length).toBeLessThanOrEqual(300);
    }
  });

  it('rejects sizes that are not positive finite numbers', () => {
    expect(() => composeSvg(request({ width: 0 }))).toThrow(RangeError);
    expect(() => composeSvg(request({ height: Number.NaN }))).toThrow(RangeError);
  });

  it('renders with sharp into a PNG of the requested size with real content', async () => {
    for (const [prompt, width, height] of [
      [SUNSET, 512, 512],
      [NEON_CITY, 640, 384],
      [UNDERWATER, 256, 448],
    ] as const) {
      const png = await render(composeSvg(request({ prompt, width, height })));
      const meta = await sharp(png).metadata();
      expect(meta.format).toBe('png');
      expect([meta.width, meta.height]).toEqual([width, height]);
      const { channels } = await sharp(png).stats();
      // A flat or nearly flat image would mean the composition failed to draw.
      expect(Math.max(...channels.slice(0, 3).map((channel) => channel.stdev))).toBeGreaterThan(15);
    }
  });

  it('gives visibly different colours for different prompts', async () => {
    const [sunset, underwater] = await Promise.all(
      [SUNSET, UNDERWATER].map(async (prompt) =>
        meanColour(await render(composeSvg(request({ prompt, width: 256, height: 256 })))),
      ),
    );
    const distance = Math.hypot(...sunset.map((value, i) => value - underwater[i]));
    expect(distance).toBeGreaterThan(40);
  });
});
