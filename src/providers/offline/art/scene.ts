/** What a prompt asks for, read from its words: time of day, setting, weather, style, colours. */

import type { Rng } from '../../../prompts/seeded-random.js';
import { hueDelta } from './colour.js';

export type TimeOfDay = 'day' | 'dawn' | 'sunset' | 'night';
export type Setting =
  'mountains' | 'hills' | 'desert' | 'coast' | 'forest' | 'city' | 'underwater' | 'space';
type Weather = 'clear' | 'rain' | 'snow' | 'storm' | 'fog';

interface Style {
  neon: boolean;
  pastel: boolean;
  mono: boolean;
  muted: boolean;
  dark: boolean;
}

export interface Scene {
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

export function readScene(prompt: string, negativePrompt: string, rng: Rng): Scene {
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
