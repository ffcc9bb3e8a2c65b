/**
 * Offline generative poster art.
 *
 * Turns a prompt + seed into a standalone SVG document without any network or model: the
 * prompt's words pick a scene (time of day, setting, weather, style, colours) and a seeded PRNG
 * fills in the layout. The caller rasterises the SVG (librsvg through sharp), so the output only
 * uses plain shapes, gradients and one pattern: no text, fonts, images, filters or URLs.
 *
 * Safety: nothing from the prompt is ever copied into the markup. Every attribute value is a
 * number, a colour or an id computed here, so a prompt cannot inject markup.
 */

export interface ArtRequest {
  prompt: string;
  seed: number;
  width: number;
  height: number;
  negativePrompt?: string;
}

/** Returns a standalone SVG document (string) whose composition is derived deterministically from prompt + seed. */
export function composeSvg(request: ArtRequest): string {
  const width = checkedDimension('width', request.width);
  const height = checkedDimension('height', request.height);
  const rng = new Rng(seedFromText(`${request.seed}:${request.prompt}`));
  const scene = readScene(request.prompt, request.negativePrompt ?? '', rng);
  const palette = buildPalette(scene, rng);
  const doc = new SvgDoc(width, height);
  const frame = frameFor(width, height, scene, rng);

  switch (scene.setting) {
    case 'underwater':
      paintUnderwater(doc, frame, scene, palette, rng);
      break;
    case 'space':
      paintSpace(doc, frame, scene, palette, rng);
      break;
    default:
      paintLandscape(doc, frame, scene, palette, rng);
  }
  if (scene.weather === 'rain' || scene.weather === 'storm') paintRain(doc, frame, palette, rng);
  if (scene.weather === 'snow') paintSnowfall(doc, frame, palette, rng);
  if (scene.birds) paintBirds(doc, frame, palette, rng);
  paintGrain(doc, frame, palette, rng);
  paintVignette(doc, palette, scene);
  return doc.toString();
}

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

/** cyrb53: a fast, well-mixed 53-bit string hash. Plenty to seed a PRNG (not cryptographic). */
function cyrb53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Folds the 53-bit hash into the 32-bit state mulberry32 wants, keeping the high bits' entropy. */
function seedFromText(text: string): number {
  const hash = cyrb53(text);
  return (hash >>> 0) ^ Math.floor(hash / 4294967296);
}

/** mulberry32: tiny, fast and good enough for art; fully reproducible across platforms. */
class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return Math.floor(this.range(min, max + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the prompt
// ---------------------------------------------------------------------------------------------

type TimeOfDay = 'day' | 'dawn' | 'sunset' | 'night';
type Setting =
  'mountains' | 'hills' | 'desert' | 'coast' | 'forest' | 'city' | 'underwater' | 'space';
type Weather = 'clear' | 'rain' | 'snow' | 'storm' | 'fog';

interface Style {
  neon: boolean;
  pastel: boolean;
  mono: boolean;
  muted: boolean;
  dark: boolean;
}

interface Scene {
  time: TimeOfDay;
  setting: Setting;
  weather: Weather;
  style: Style;
  /** Hues (degrees) named in the prompt, in order of appearance, near-duplicates removed. */
  hues: number[];
  /** Hue of a colour word that describes the land ("green hills"), not the sky. */
  landHue: number | undefined;
  /** True when no scene word matched: the whole look is then free for the hash to choose. */
  freeform: boolean;
  lighthouse: boolean;
  birds: boolean;
  jellyfish: boolean;
}

/** Multi-word expressions folded into one token before splitting, so they can't be misread. */
const PHRASES: ReadonlyArray<readonly [RegExp, string]> = [
  [/golden hour/g, 'goldenhour'],
  [/blue hour/g, 'dusk'],
  [/black and white|black & white|black-and-white/g, 'monochrome'],
  [/deep sea|under the sea|under water/g, 'underwater'],
  [/outer space/g, 'space'],
];

/** Keyword lists are written as space-separated strings: compact, and easy to scan or extend. */
function wordList(text: string): readonly string[] {
  return text.split(' ');
}

/** Endings accepted after a keyword stem, so "snowy", "stars" or "moonlit" still match. */
const SUFFIXES = new Set([
  '',
  ...wordList('s es y ey ny ry gy ish ed ing er ier lit light scape fall time side'),
]);

const TIME_WORDS: Record<TimeOfDay, readonly string[]> = {
  night: wordList('night midnight moon star nocturnal nightfall aurora'),
  sunset: wordList('sunset dusk evening twilight sundown goldenhour backlit'),
  dawn: wordList('dawn sunrise morning daybreak'),
  day: wordList('day noon midday afternoon sun summer bright'),
};

/** In priority order: the first setting with a matching word wins ("a diver off the coast" is
 * underwater, "a lighthouse in the city" is a city). */
const SETTING_WORDS: ReadonlyArray<readonly [Setting, readonly string[]]> = [
  [
    'underwater',
    wordList(
      'underwater undersea diver diving reef coral submarine abyss kelp jellyfish aquatic mermaid ' +
        'octopus seabed seafloor shipwreck',
    ),
  ],
  ['space', wordList('space galaxy nebula cosmos cosmic planet astronaut orbit universe')],
  [
    'city',
    wordList(
      'city street urban skyline downtown metropolis cyberpunk skyscraper town building alley',
    ),
  ],
  ['desert', wordList('desert dune sand sahara canyon mesa oasis cactus cacti')],
  ['forest', wordList('forest wood woodland tree pine jungle grove taiga')],
  [
    'coast',
    wordList(
      'sea ocean coast beach cliff lighthouse harbor harbour shore wave bay island boat ship lake sail',
    ),
  ],
  ['mountains', wordList('mountain peak alps summit ridge volcano glacier')],
  ['hills', wordList('hill meadow field countryside valley farm prairie garden')],
];

/** In priority order: a storm beats snow beats rain beats fog. */
const WEATHER_WORDS: ReadonlyArray<readonly [Weather, readonly string[]]> = [
  ['storm', wordList('storm thunder thunderstorm lightning tempest hurricane')],
  ['snow', wordList('snow winter frost blizzard ice icy frozen arctic')],
  ['rain', wordList('rain drizzle downpour monsoon wet')],
  ['fog', wordList('fog foggy mist haze hazy')],
];

const STYLE_WORDS: Record<keyof Style, readonly string[]> = {
  neon: wordList(
    'neon cyberpunk synthwave vaporwave bioluminescent glow glowing electric fluorescent vibrant ' +
      'vivid psychedelic',
  ),
  pastel: wordList('pastel watercolor watercolour soft dreamy pale delicate gentle'),
  mono: wordList('monochrome monochromatic grayscale greyscale noir charcoal pencil'),
  muted: wordList('muted vintage sepia retro dusty faded'),
  dark: wordList('dark gloomy moody gothic ominous eerie sinister horror'),
};

/** Colour words → hue in degrees. */
const COLOUR_HUES: Record<string, number> = {
  red: 0,
  crimson: 350,
  scarlet: 4,
  ruby: 345,
  burgundy: 342,
  maroon: 350,
  cherry: 350,
  rose: 340,
  pink: 330,
  fuchsia: 312,
  magenta: 300,
  purple: 275,
  violet: 265,
  lavender: 255,
  lilac: 270,
  indigo: 240,
  navy: 225,
  blue: 215,
  cobalt: 218,
  sapphire: 220,
  azure: 205,
  cyan: 186,
  aqua: 180,
  teal: 175,
  turquoise: 170,
  mint: 155,
  jade: 150,
  emerald: 140,
  green: 120,
  lime: 90,
  chartreuse: 80,
  olive: 70,
  yellow: 52,
  lemon: 55,
  gold: 45,
  golden: 44,
  goldenhour: 40,
  amber: 38,
  honey: 40,
  ochre: 38,
  orange: 28,
  tangerine: 25,
  apricot: 28,
  peach: 22,
  copper: 22,
  bronze: 30,
  sepia: 32,
  brown: 25,
  rust: 15,
  coral: 10,
  salmon: 8,
};

/** Weak hints, only used when no real colour word is present. */
const MOOD_HUES: Record<string, number> = { warm: 30, cozy: 30, cool: 205, cold: 210 };

/** Nouns after which a colour word describes the land rather than the sky. */
const LAND_NOUNS = wordList(
  'hill meadow field grass forest tree pine leaf leaves foliage mountain dune sand rock valley jungle',
);

const BIRD_WORDS = wordList('bird crane gull seagull flock dove swallow eagle hawk');
const LIGHTHOUSE_WORDS = wordList('lighthouse beacon');
const JELLYFISH_WORDS = wordList('jellyfish jelly medusa bioluminescent');

/** Hash-driven choices for prompts that name no time or setting; sunset is weighted up because
 * it gives the richest palettes. */
const FALLBACK_TIMES: readonly TimeOfDay[] = ['day', 'dawn', 'sunset', 'sunset', 'night'];
const FALLBACK_SETTINGS: readonly Setting[] = [
  'mountains',
  'hills',
  'desert',
  'coast',
  'forest',
  'city',
];

function tokenize(text: string): string[] {
  let folded = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  for (const [pattern, token] of PHRASES) folded = folded.replace(pattern, token);
  return folded.split(/[^a-z]+/).filter((word) => word.length > 0);
}

function wordMatches(word: string, stem: string): boolean {
  return word.startsWith(stem) && SUFFIXES.has(word.slice(stem.length));
}

/** Index of the first word matching any stem, or -1. Used both as "found?" and for ordering. */
function firstMatch(words: readonly string[], stems: readonly string[]): number {
  return words.findIndex((word) => stems.some((stem) => wordMatches(word, stem)));
}

function readScene(prompt: string, negativePrompt: string, rng: Rng): Scene {
  // Words also present in the negative prompt are ignored: "no rain" should not make it rain.
  const unwanted = new Set(tokenize(negativePrompt));
  const words = tokenize(prompt).filter((word) => !unwanted.has(word));
  const has = (stems: readonly string[]): boolean => firstMatch(words, stems) >= 0;

  const style: Style = {
    neon: has(STYLE_WORDS.neon),
    pastel: has(STYLE_WORDS.pastel),
    mono: has(STYLE_WORDS.mono),
    muted: has(STYLE_WORDS.muted),
    dark: has(STYLE_WORDS.dark),
  };

  // The earliest time word wins: "a night market at dawn" reads as night.
  let time: TimeOfDay | undefined;
  let timeIndex = Infinity;
  for (const [candidate, stems] of Object.entries(TIME_WORDS) as Array<[TimeOfDay, string[]]>) {
    const index = firstMatch(words, stems);
    if (index >= 0 && index < timeIndex) {
      time = candidate;
      timeIndex = index;
    }
  }
  const setting = SETTING_WORDS.find(([, stems]) => has(stems))?.[0];
  const weather = WEATHER_WORDS.find(([, stems]) => has(stems))?.[0];
  const freeform = time === undefined && setting === undefined && weather === undefined;

  return {
    // Neon reads best against the dark, so neon without a stated time becomes night.
    time: time ?? (style.neon ? 'night' : rng.pick(FALLBACK_TIMES)),
    setting: setting ?? rng.pick(FALLBACK_SETTINGS),
    weather: weather ?? 'clear',
    style,
    ...huesIn(words),
    freeform,
    lighthouse: has(LIGHTHOUSE_WORDS) || (setting === 'coast' && rng.chance(0.25)),
    birds: has(BIRD_WORDS),
    jellyfish: has(JELLYFISH_WORDS) || rng.chance(0.4),
  };
}

function huesIn(words: readonly string[]): { hues: number[]; landHue: number | undefined } {
  const found: number[] = [];
  let landHue: number | undefined;
  const add = (hue: number): void => {
    // Near-identical hues ("golden amber") would waste the second slot on the same colour.
    if (found.every((other) => Math.abs(hueDelta(other, hue)) > 25)) found.push(hue);
  };
  words.forEach((word, i) => {
    const stem = Object.keys(COLOUR_HUES).find((colour) => wordMatches(word, colour));
    if (stem === undefined) return;
    // "green hills" colours the hills; tinting the whole sky green would misread the prompt.
    const next = words[i + 1] ?? '';
    if (LAND_NOUNS.some((noun) => wordMatches(next, noun))) landHue ??= COLOUR_HUES[stem];
    else add(COLOUR_HUES[stem]);
  });
  if (found.length === 0) {
    for (const word of words) if (word in MOOD_HUES) add(MOOD_HUES[word]);
  }
  return { hues: found.slice(0, 3), landHue };
}

// ---------------------------------------------------------------------------------------------
// Colour
// ---------------------------------------------------------------------------------------------

type Rgb = readonly [number, number, number];

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Signed shortest rotation from hue a to hue b, in (-180, 180]. */
function hueDelta(a: number, b: number): number {
  const d = (((b - a) % 360) + 540) % 360;
  return d - 180;
}

/** HSL (degrees, percent, percent) → RGB 0..255. */
function hsl(h: number, s: number, l: number): Rgb {
  const hue = (((h % 360) + 360) % 360) / 360;
  const sat = clamp(s, 0, 100) / 100;
  const light = clamp(l, 0, 100) / 100;
  if (sat === 0) return [light * 255, light * 255, light * 255];
  const q = light < 0.5 ? light * (1 + sat) : light + sat - light * sat;
  const p = 2 * light - q;
  const channel = (offset: number): number => {
    let t = hue + offset;
    if (t < 0) t += 1;
    if (t > 1) t -= 1;
    if (t < 1 / 6) return 255 * (p + (q - p) * 6 * t);
    if (t < 1 / 2) return 255 * q;
    if (t < 2 / 3) return 255 * (p + (q - p) * (2 / 3 - t) * 6);
    return 255 * p;
  };
  return [channel(1 / 3), channel(0), channel(-1 / 3)];
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [lerp(a[0], b[0], t), lerp(a[1], b[1], t), lerp(a[2], b[2], t)];
}

function hex(colour: Rgb): string {
  return `#${colour
    .map((v) =>
      Math.round(clamp(v, 0, 255))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

interface Palette {
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

function buildPalette(scene: Scene, rng: Rng): Palette {
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

// ---------------------------------------------------------------------------------------------
// SVG writing
// ---------------------------------------------------------------------------------------------

type AttrValue = string | number | undefined;

/** Attributes in the 0..1 range need more than one decimal to stay smooth. */
const FINE_ATTRS = new Set(['opacity', 'fill-opacity', 'stroke-opacity', 'stop-opacity', 'offset']);

/** Rounds to one decimal (keeps the output compact); avoids "-0". */
function fmt(value: number): string {
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

function el(name: string, attrs: Record<string, AttrValue>, children = ''): string {
  let out = `<${name}`;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    const text =
      typeof value === 'number' ? (FINE_ATTRS.has(key) ? fmtFine(value) : fmt(value)) : value;
    out += ` ${key}="${text}"`;
  }
  return children === '' ? `${out}/>` : `${out}>${children}</${name}>`;
}

interface Point {
  x: number;
  y: number;
}

function pt(p: Point): string {
  return `${fmt(p.x)},${fmt(p.y)}`;
}

function polyPath(points: readonly Point[]): string {
  return `M${points.map(pt).join('L')}Z`;
}

/** Closed circle as a path, so hundreds of dots can share one element. */
function circlePath(cx: number, cy: number, r: number): string {
  return ellipsePath(cx, cy, r, r);
}

function ellipsePath(cx: number, cy: number, rx: number, ry: number): string {
  const a = `${fmt(rx)},${fmt(ry)} 0 1,0`;
  return `M${fmt(cx - rx)},${fmt(cy)}a${a} ${fmt(2 * rx)},0a${a} ${fmt(-2 * rx)},0Z`;
}

function rectPath(x: number, y: number, w: number, h: number): string {
  return `M${fmt(x)},${fmt(y)}h${fmt(w)}v${fmt(h)}h${fmt(-w)}Z`;
}

/** Smooth curve through a profile: each point becomes a quadratic control point, curves meet at
 * the midpoints. Cheap, and free of the overshoot a spline through the points would have. */
function smoothLine(points: readonly Point[]): string {
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

class SvgDoc {
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

function checkedDimension(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 1 || value > 16384) {
    throw new RangeError(`${name} must be a finite number between 1 and 16384`);
  }
  return Math.round(value);
}

// ---------------------------------------------------------------------------------------------
// Composition
// ---------------------------------------------------------------------------------------------

interface Frame {
  w: number;
  h: number;
  /** Shorter side: the unit for sizes, so shapes keep their proportions on any aspect ratio. */
  s: number;
  /** Where land (or sea) meets sky. */
  horizon: number;
  /** Focal element (sun, moon, planet, glow) centre and radius. */
  focal: Point;
  focalR: number;
}

function frameFor(w: number, h: number, scene: Scene, rng: Rng): Frame {
  const s = Math.min(w, h);
  const horizon = h * rng.range(0.56, 0.68);
  // Rule of thirds, with a little jitter so the same prompt doesn't always centre the same way.
  const focalX = w * (rng.pick([0.3, 0.5, 0.7]) + rng.range(-0.06, 0.06));
  let focalY: number;
  let focalR = s * rng.range(0.07, 0.11);
  switch (scene.time) {
    case 'sunset':
      focalY = horizon - s * rng.range(0.02, 0.12);
      focalR = s * rng.range(0.1, 0.15);
      break;
    case 'dawn':
      focalY = horizon - s * rng.range(0.08, 0.18);
      break;
    default:
      focalY = h * rng.range(0.16, 0.3);
  }
  if (scene.setting === 'space') focalR = s * rng.range(0.16, 0.24);
  return { w, h, s, horizon, focal: { x: focalX, y: focalY }, focalR };
}

// --- Landscape --------------------------------------------------------------------------------

function paintLandscape(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
  paintSky(doc, f, p);
  if (scene.time === 'night' && scene.weather !== 'storm') paintStars(doc, f, p, rng, f.horizon);
  if (scene.weather === 'storm') {
    paintStormClouds(doc, f, p, rng);
    paintLightning(doc, f, p, rng);
  } else {
    paintFocalLight(doc, f, scene, p, rng);
    paintClouds(doc, f, scene, p, rng);
  }
  switch (scene.setting) {
    case 'mountains':
      paintTerrain(doc, f, scene, p, rng, { kind: 'jagged', layers: rng.int(3, 4) });
      break;
    case 'hills':
      paintTerrain(doc, f, scene, p, rng, {
        kind: 'smooth',
        layers: rng.int(3, 4),
        trees: 'round',
      });
      break;
    case 'desert':
      paintTerrain(doc, f, scene, p, rng, { kind: 'dunes', layers: rng.int(2, 4), cacti: true });
      break;
    case 'forest':
      paintTerrain(doc, f, scene, p, rng, { kind: 'smooth', layers: 3, trees: 'pine' });
      break;
    case 'coast':
      paintCoast(doc, f, scene, p, rng);
      break;
    case 'city':
      paintCity(doc, f, scene, p, rng);
      break;
    default:
      break;
  }
}

function paintSky(doc: SvgDoc, f: Frame, p: Palette): void {
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
function paintStars(
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
function paintFocalLight(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
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
function paintClouds(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
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

function paintStormClouds(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
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

function paintLightning(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
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

// --- Terrain ----------------------------------------------------------------------------------

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
function layerColour(p: Palette, t: number): Rgb {
  if (t < 0.5) return mix(mix(p.horizon, p.land, 0.35), p.land, t / 0.5);
  return mix(p.land, p.ground, ((t - 0.5) / 0.5) * 0.8);
}

function paintTerrain(
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

function paintMist(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, top: number): void {
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
function smoothProfile(rng: Rng, f: Frame, base: number, amp: number, dunes: boolean): Point[] {
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
function profileY(profile: readonly Point[], x: number): number {
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

// --- Coast ------------------------------------------------------------------------------------

function paintCoast(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
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

// --- City -------------------------------------------------------------------------------------

function paintCity(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
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

// --- Underwater -------------------------------------------------------------------------------

function paintUnderwater(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
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

// --- Space ------------------------------------------------------------------------------------

function paintSpace(doc: SvgDoc, f: Frame, scene: Scene, p: Palette, rng: Rng): void {
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

// --- Overlays ---------------------------------------------------------------------------------

function paintRain(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
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

function paintSnowfall(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
  const sizes = [0.002, 0.0035, 0.006];
  sizes.forEach((size, i) => {
    let d = '';
    for (let k = 0; k < 40; k++) {
      d += circlePath(rng.range(0, f.w), rng.range(0, f.h), f.s * size * rng.range(0.7, 1.3));
    }
    doc.add(el('path', { d, fill: hex(p.sparkle), opacity: 0.55 + i * 0.15 }));
  });
}

function paintBirds(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
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
function paintGrain(doc: SvgDoc, f: Frame, p: Palette, rng: Rng): void {
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

function paintVignette(doc: SvgDoc, p: Palette, scene: Scene): void {
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
