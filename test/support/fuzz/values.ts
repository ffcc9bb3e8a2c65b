import type { Rng } from '../../../src/prompts/seeded-random.js';
import { resolve, type Schema, type SpecDocument } from './spec.js';

/**
 * Values for the contract fuzz: valid ones from a schema (and from what the app itself says is
 * valid: the vocabulary), and hostile ones: wrong types, sizes out of range, unicode that breaks
 * naive code, nesting, injection-shaped text.
 */

/** Known-good values by property or parameter name (`provider`, `size`, `cron`...). */
export type Vocabulary = ReadonlyMap<string, readonly unknown[]>;

/** Text that has broken services before: encodings, direction, invisible and reserved characters. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\n\r',
  '\u0000',
  'nul\u0000inside',
  '\ud800', // lone high surrogate
  'tail\udfff', // lone low surrogate
  '\udfff\ud800', // reversed pair
  '\u202eevil\u202c.png', // right-to-left override
  'مرحبا بالعالم',
  'שלום עולם',
  '\u200b\u200c\u200d\u2060',
  'e\u0301\u0301\u0301\u0301\u0301\u0301',
  '🦄🏳️‍🌈👩‍👩‍👧‍👦',
  '\ufeffbom',
  '\uffff\ufffe',
  '\u{10ffff}',
  'Ω≈ç√∫˜µ≤≥÷',
  '%00',
  '%zz%',
  '%2e%2e%2f%2e%2e%2f',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '/etc/passwd',
  'C:\\Windows\\System32',
  '<script>alert(1)</script>',
  "' OR '1'='1' --",
  '"; DROP TABLE users; --',
  '${jndi:ldap://127.0.0.1/x}',
  '{{7*7}}',
  '\r\nX-Injected: 1',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x7fffffff',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  '*',
  '"',
  '\\',
  '\u001b[31mred',
  'CON',
  'a'.repeat(257),
];

export function hostileString(rng: Rng): string {
  const base = rng.pick(HOSTILE_STRINGS);
  return rng.chance(0.3) ? `${base}${rng.pick(HOSTILE_STRINGS)}` : base;
}

/** A long string: ASCII, multi-byte, or astral, 1 KB to 200 KB. */
export function hugeString(rng: Rng): string {
  const unit = rng.pick(['A', 'é', '漢', '🦄', '\u0000', '%', ' ']);
  return unit.repeat(rng.int(1_000, 200_000) / unit.length);
}

/** Arrays or objects nested `depth` deep. */
export function nested(depth: number, rng: Rng): unknown {
  let value: unknown = rng.chance(0.5) ? 1 : 'x';
  const asArray = rng.chance(0.5);
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

/** A value of some other JSON type than `type`. */
export function wrongType(type: string | undefined, rng: Rng): unknown {
  const candidates: [string, unknown][] = [
    ['string', rng.pick(['1', 'true', 'x', '', '[]'])],
    ['integer', rng.pick([0, 1, -1, 42, 2 ** 31])],
    ['number', rng.pick([1.5, -0.5, 1e300, Number.MIN_VALUE])],
    ['boolean', rng.chance(0.5)],
    ['null', null],
    ['array', [rng.pick([1, 'a', null, {}])]],
    ['object', { value: 1 }],
  ];
  const others = candidates.filter(
    ([kind]) => kind !== type && !(type === 'number' && kind === 'integer'),
  );
  return rng.pick(others)[1];
}

/** A string matching `pattern`, for the simple patterns specs use (classes, escapes, counts). */
export function sampleRegex(pattern: string, rng: Rng): string | undefined {
  const source = pattern.replace(/^\^/, '').replace(/\$$/, '');
  if (/[()|]/.test(source)) return undefined;
  let out = '';
  let i = 0;
  const readEscape = (): string[] => {
    const c = source[i++];
    if (c === 'd') return [...'0123456789'];
    if (c === 'w') return [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'];
    if (c === 's') return [' '];
    if (c === 'x') {
      const code = parseInt(source.slice(i, i + 2), 16);
      i += 2;
      return [String.fromCharCode(code)];
    }
    return [c];
  };
  const one = (): string => {
    const c = source[i];
    if (c === '\\') {
      i++;
      return readEscape()[0];
    }
    i++;
    return c;
  };
  while (i < source.length) {
    let alphabet: string[];
    if (source[i] === '[') {
      i++;
      if (source[i] === '^') return undefined;
      alphabet = [];
      while (i < source.length && source[i] !== ']') {
        if (source[i] === '\\' && 'dws'.includes(source[i + 1])) {
          i++;
          alphabet.push(...readEscape());
          continue;
        }
        const from = one();
        if (source[i] === '-' && source[i + 1] !== ']') {
          i++;
          const to = one();
          for (let code = from.charCodeAt(0); code <= to.charCodeAt(0); code++) {
            alphabet.push(String.fromCharCode(code));
          }
        } else {
          alphabet.push(from);
        }
      }
      i++;
    } else if (source[i] === '\\') {
      i++;
      alphabet = readEscape();
    } else if (source[i] === '.') {
      i++;
      alphabet = [...'abcxyz019 '];
    } else {
      alphabet = [source[i++]];
    }
    let min = 1;
    let max = 1;
    const quantifier = /^(\{(\d+)(,(\d*))?\}|\?|\*|\+)/.exec(source.slice(i));
    if (quantifier) {
      i += quantifier[0].length;
      if (quantifier[0] === '?') [min, max] = [0, 1];
      else if (quantifier[0] === '*') [min, max] = [0, 8];
      else if (quantifier[0] === '+') [min, max] = [1, 8];
      else {
        min = Number(quantifier[2]);
        max = quantifier[3] === undefined ? min : quantifier[4] ? Number(quantifier[4]) : min + 8;
      }
    }
    const count = rng.int(min, Math.min(max, min + 40));
    for (let n = 0; n < count; n++) out += rng.pick(alphabet);
  }
  return out;
}

const WORDS = ['koi', 'lighthouse', 'dusk', 'Ω', 'café', '海', 'stone', 'glass', 'amber', 'fog'];

function plainText(rng: Rng, min: number, max: number): string {
  let text = '';
  while (text.length < min || (text.length < max && rng.chance(0.6))) {
    text += (text ? ' ' : '') + rng.pick(WORDS);
  }
  return text.slice(0, max).padEnd(min, 'x');
}

function isoInstant(rng: Rng): string {
  return new Date(Date.UTC(2020, 0, 1) + rng.int(0, 10 * 365 * 86_400) * 1000).toISOString();
}

/**
 * A value the schema accepts. `name` (the property or parameter) picks from the vocabulary most
 * of the time, so that values the schema cannot express (a provider's sizes) are right too.
 */
export function validValue(
  doc: SpecDocument,
  input: Schema | undefined,
  rng: Rng,
  vocabulary: Vocabulary,
  name?: string,
  depth = 0,
): unknown {
  const schema = resolve(doc, input);
  const known = name ? vocabulary.get(name) : undefined;
  if (known?.length && rng.chance(0.75)) return rng.pick(known);
  if (schema.enum?.length) return rng.pick(schema.enum);
  if (schema.nullable && rng.chance(0.1)) return null;
  if (schema.example !== undefined && rng.chance(0.3)) return schema.example;
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -1000;
      const max = schema.maximum ?? Math.max(min + 1000, 1000);
      const value = rng.pick([min, max, rng.int(Math.ceil(min), Math.floor(max))]);
      return schema.type === 'integer' ? Math.round(value) : value;
    }
    case 'boolean':
      return rng.chance(0.5);
    case 'array': {
      const count = rng.int(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4));
      return Array.from({ length: count }, () =>
        validValue(doc, schema.items, rng, vocabulary, name, depth + 1),
      );
    }
    case 'object':
      return validObject(doc, schema, rng, vocabulary, depth);
    default: {
      if (schema.format === 'date-time') return isoInstant(rng);
      if (schema.format === 'email') return `fuzz${rng.int(0, 1e6)}@example.com`;
      if (schema.pattern) {
        const sampled = sampleRegex(schema.pattern, rng);
        if (sampled !== undefined) return sampled;
      }
      if (!schema.type && schema.properties)
        return validObject(doc, schema, rng, vocabulary, depth);
      return plainText(rng, schema.minLength ?? 0, Math.min(schema.maxLength ?? 60, 60));
    }
  }
}

function validObject(
  doc: SpecDocument,
  schema: Schema,
  rng: Rng,
  vocabulary: Vocabulary,
  depth: number,
): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (schema.required?.includes(key) || (depth < 3 && rng.chance(0.4))) {
      object[key] = validValue(doc, property, rng, vocabulary, key, depth + 1);
    }
  }
  return object;
}

/** A value the schema refuses (as best a schema says: wrong type, range, size, enum, pattern). */
export function invalidValue(doc: SpecDocument, input: Schema | undefined, rng: Rng): unknown {
  const schema = resolve(doc, input);
  const ways: (() => unknown)[] = [() => wrongType(schema.type, rng)];
  if (schema.enum?.length)
    ways.push(
      () => `${String(schema.enum![0])}-not`,
      () => 'ADMIN',
    );
  if (schema.minimum !== undefined) ways.push(() => schema.minimum! - rng.pick([1, 1000, 2 ** 53]));
  if (schema.maximum !== undefined) ways.push(() => schema.maximum! + rng.pick([1, 1000, 2 ** 53]));
  if (schema.type === 'integer') ways.push(() => rng.pick([0.5, 1e21, -1e21]));
  if (schema.maxLength !== undefined) ways.push(() => 'x'.repeat(schema.maxLength! + 1));
  if (schema.minLength) ways.push(() => 'x'.repeat(schema.minLength! - 1));
  if (schema.pattern) ways.push(() => hostileString(rng));
  if (schema.format === 'date-time')
    ways.push(() => rng.pick(['2026-02-30T00:00:00Z', 'yesterday']));
  if (schema.maxItems !== undefined) {
    ways.push(() => Array.from({ length: schema.maxItems! + 1 }, (_, i) => `t${i}`));
  }
  if (schema.type === 'array') ways.push(() => [wrongType(resolve(doc, schema.items).type, rng)]);
  return rng.pick(ways)();
}
