/** The picture's colours, derived once from the scene so every element agrees with the prompt. */

import type { Rng } from '../../../prompts/seeded-random.js';
import { hsl, hueDelta, lerp, mix, type Rgb } from './colour.js';
import type { Scene, Setting, TimeOfDay } from './scene.js';

export interface Palette {
  skyTop: Rgb;
  skyMid: Rgb;
  horizon: Rgb;
  /** The land's own colour, seen in the middle distance (sand, grass, rock). */
  land: Rgb;
  /** Darkest, nearest silhouette colour. */
  ground: Rgb;
  /** Focal light: sun, moon, lamp, glow. */
  accent: Rgb;
  /** Secondary light: windows, particles, neon reflections. */
  accent2: Rgb;
  /** Small bright things: stars, snow, bubbles, wave crests. */
  sparkle: Rgb;
  /** Vignette and shadow tint; a tinted near-black looks richer than pure black. */
  shade: Rgb;
}

/** Saturation/lightness template of a sky (hue, saturation %, lightness %). */
interface SkyLook {
  topHue: number;
  horizonHue: number;
  topS: number;
  topL: number;
  horizonS: number;
  horizonL: number;
  groundS: number;
  groundL: number;
}

const TIME_LOOKS: Record<TimeOfDay, SkyLook> = {
  day: {
    topHue: 214,
    horizonHue: 192,
    topS: 62,
    topL: 50,
    horizonS: 55,
    horizonL: 84,
    groundS: 30,
    groundL: 22,
  },
  dawn: {
    topHue: 228,
    horizonHue: 18,
    topS: 45,
    topL: 58,
    horizonS: 80,
    horizonL: 80,
    groundS: 25,
    groundL: 26,
  },
  sunset: {
    topHue: 268,
    horizonHue: 30,
    topS: 50,
    topL: 26,
    horizonS: 92,
    horizonL: 62,
    groundS: 35,
    groundL: 11,
  },
  night: {
    topHue: 232,
    horizonHue: 255,
    topS: 55,
    topL: 7,
    horizonS: 42,
    horizonL: 24,
    groundS: 35,
    groundL: 5,
  },
};

/** For underwater, "top" is the lit surface and "horizon" the deep water at the bottom. */
const UNDERWATER_LOOK: SkyLook = {
  topHue: 188,
  horizonHue: 222,
  topS: 70,
  topL: 46,
  horizonS: 75,
  horizonL: 9,
  groundS: 45,
  groundL: 6,
};

const SPACE_LOOK: SkyLook = {
  topHue: 248,
  horizonHue: 280,
  topS: 45,
  topL: 4,
  horizonS: 50,
  horizonL: 14,
  groundS: 20,
  groundL: 8,
};

/** Natural ground hue for each setting when the prompt names no colour. */
const SETTING_GROUND_HUE: Partial<Record<Setting, number>> = {
  forest: 140,
  desert: 30,
  hills: 100,
  coast: 215,
};

/** How saturated the land is in each setting; sand and grass carry colour, rock and city less. */
const SETTING_LAND_SATURATION: Partial<Record<Setting, number>> = {
  forest: 38,
  desert: 60,
  hills: 42,
};

function lookFor(scene: Scene): SkyLook {
  const base =
    scene.setting === 'underwater'
      ? UNDERWATER_LOOK
      : scene.setting === 'space'
        ? SPACE_LOOK
        : TIME_LOOKS[scene.time];
  if (scene.weather === 'storm') {
    return {
      ...base,
      topS: base.topS * 0.35,
      topL: base.topL * 0.6,
      horizonS: base.horizonS * 0.45,
      horizonL: base.horizonL * 0.75,
    };
  }
  if (scene.weather === 'snow' || scene.weather === 'fog') {
    return {
      ...base,
      topS: base.topS * 0.7,
      horizonS: base.horizonS * 0.6,
      horizonL: base.horizonL + 6,
    };
  }
  return base;
}

export function buildPalette(scene: Scene, rng: Rng): Palette {
  const look = lookFor(scene);
  const { style } = scene;

  // Hues: named colours take over the sky; otherwise the template hue, nudged by the hash (or
  // rotated freely when the prompt gave us nothing to go on, so unrelated prompts still differ).
  let horizonHue: number;
  let topHue: number;
  const [first, second] = scene.hues;
  if (first !== undefined && second !== undefined) {
    horizonHue = first;
    topHue = second;
  } else if (first !== undefined) {
    horizonHue = first;
    topHue = first + hueDelta(look.horizonHue, look.topHue) * 0.6;
  } else {
    // Dark skies turn muddy in warm hues, so a free night keeps near its cool template.
    const freeRange = scene.time === 'night' ? 70 : 180;
    const shift = scene.freeform ? rng.range(-freeRange, freeRange) : rng.range(-14, 14);
    horizonHue = look.horizonHue + shift;
    topHue = look.topHue + shift;
  }
  const groundHue =
    scene.landHue ??
    (first !== undefined || scene.freeform
      ? topHue
      : (SETTING_GROUND_HUE[scene.setting] ?? topHue + rng.range(-10, 10)));
  const landS = SETTING_LAND_SATURATION[scene.setting] ?? look.groundS;
  const landL = lerp(look.groundL, look.horizonL, scene.setting === 'desert' ? 0.55 : 0.42);
  const monoHue = first ?? 220;

  // One place applies the style words, so every colour in the picture agrees with them.
  const tone = (h: number, s: number, l: number): Rgb => {
    let hue = h;
    let sat = s;
    let light = l;
    if (style.neon) sat = Math.min(100, sat * 1.3 + 10);
    if (style.muted) sat *= 0.55;
    if (style.pastel) {
      sat *= 0.6;
      light = 30 + light * 0.66;
    }
    if (style.dark) light *= 0.72;
    if (style.mono) {
      hue = monoHue;
      sat = Math.min(sat, 8);
    }
    return hsl(hue, sat, light);
  };

  const skyTop = tone(topHue, look.topS, look.topL);
  const horizon = tone(horizonHue, look.horizonS, look.horizonL);
  const neonHue = second ?? horizonHue + rng.pick([150, 180, -150]);
  const accent = focalColour(scene, tone, { horizonHue, topHue, neonHue });
  const accent2 = style.neon
    ? tone(first ?? horizonHue, 100, 60)
    : scene.setting === 'underwater'
      ? tone(neonHue, 80, 70)
      : tone(42, 90, 72);

  return {
    skyTop,
    skyMid: mix(skyTop, horizon, 0.55),
    horizon,
    land: tone(groundHue, scene.landHue === undefined ? landS : 50, landL),
    ground: tone(groundHue, look.groundS, look.groundL),
    accent,
    accent2,
    sparkle: tone(topHue, 35, 94),
    shade: tone(groundHue, 45, 4),
  };
}

function focalColour(
  scene: Scene,
  tone: (h: number, s: number, l: number) => Rgb,
  hues: { horizonHue: number; topHue: number; neonHue: number },
): Rgb {
  if (scene.style.neon) return tone(hues.neonHue, 100, 62);
  if (scene.setting === 'underwater') return tone(hues.topHue, 70, 80);
  if (scene.setting === 'space') return tone(hues.horizonHue + 30, 55, 62);
  switch (scene.time) {
    case 'night':
      return tone(hues.topHue, 30, 90);
    case 'sunset':
      return tone(hues.horizonHue + 6, 100, 72);
    case 'dawn':
      return tone(hues.horizonHue + 10, 95, 86);
    case 'day':
      return tone(scene.hues.length > 0 ? hues.horizonHue : 48, 100, 92);
  }
}
