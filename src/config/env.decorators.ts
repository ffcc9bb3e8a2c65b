import 'reflect-metadata';
import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import {
  IsOptional,
  IsString,
  IsUrl,
  MinLength,
  ValidateBy,
  isEmail,
  type ValidationArguments,
} from 'class-validator';
import { validateCronExpression } from 'cron';
import { isValidTimezone } from '../common/timezone.js';

/**
 * The validation group of the rules checked once every variable is valid on its own: the settings
 * a chosen adapter needs, and the built-in schedule's. Their problems are reported only when no
 * variable is wrong by itself, one line each.
 */
export const SETTINGS = 'settings';

/**
 * An integer from `min` to `max` (or `min` and up). One check with one message, where `@IsInt`,
 * `@Min` and `@Max` each said their own about the same bad value.
 */
export function IsIntegerVar(min: number, max?: number): PropertyDecorator {
  const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
  return applyDecorators(
    Type(() => Number),
    ValidateBy({
      name: 'isIntegerVar',
      validator: {
        validate: (value: unknown) =>
          Number.isInteger(value) &&
          (value as number) >= min &&
          (max === undefined || (value as number) <= max),
        defaultMessage: () => `must be an integer ${range}`,
      },
    }),
  );
}

const toBoolean = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? { true: true, '1': true, false: false, '0': false }[value] : value;

/** `true`/`1` or `false`/`0`. */
export function IsFlag(): PropertyDecorator {
  return applyDecorators(
    Transform(toBoolean),
    ValidateBy({
      name: 'isFlag',
      validator: {
        validate: (value: unknown) => typeof value === 'boolean',
        defaultMessage: () => 'must be true, false, 1 or 0',
      },
    }),
  );
}

/** A string that may be left out. */
export function OptionalString(): PropertyDecorator {
  return applyDecorators(IsOptional(), IsString());
}

/** A string that may not be empty. */
export function NonEmptyString(): PropertyDecorator {
  return applyDecorators(IsString(), MinLength(1));
}

/** An http(s) URL that may be left out; hosts without a TLD (`localhost`, emulators) too. */
export function OptionalUrl(): PropertyDecorator {
  return applyDecorators(IsOptional(), IsUrl({ require_tld: false, protocols: ['https', 'http'] }));
}

/** Comma-separated items, blanks between commas ignored. */
export const listOf = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * Comma-separated items, each of which must pass `isItem`; the message names every item that does
 * not: `${expected}; not ${what}: "a", "b"`.
 */
function IsListOf(
  name: string,
  isItem: (item: string) => boolean,
  expected: string,
  what: string,
): PropertyDecorator {
  const bad = (value: unknown) =>
    typeof value === 'string' ? listOf(value).filter((item) => !isItem(item)) : [];
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => bad(value).length === 0,
      defaultMessage: ({ value }: ValidationArguments) =>
        `${expected}; not ${what}: ${bad(value)
          .map((item) => JSON.stringify(item))
          .join(', ')}`,
    },
  });
}

/** Comma-separated e-mail addresses, each one checked. */
export function IsEmailList(): PropertyDecorator {
  return IsListOf(
    'isEmailList',
    isEmail,
    'must be e-mail addresses separated by commas',
    'e-mail addresses',
  );
}

/** An exact origin: scheme, host and port only, as a browser sends it in `Origin`. */
const isOrigin = (entry: string): boolean => {
  try {
    const url = new URL(entry);
    return ['http:', 'https:'].includes(url.protocol) && url.origin === entry;
  } catch {
    return false;
  }
};

/**
 * Comma-separated exact origins (`https://app.example.com`, `http://localhost:5173`): scheme, host
 * and port only, as a browser sends them in `Origin`. No wildcard, no path.
 */
export function IsOriginList(): PropertyDecorator {
  return IsListOf(
    'isOriginList',
    isOrigin,
    'must be exact origins (scheme://host[:port], lower case, no path) separated by commas',
    'origins',
  );
}

/**
 * A rule of the SETTINGS group: `valid(value, vars)` sees the whole environment; `message` is
 * the line's text after the variable's name.
 */
function Setting<Vars>(
  name: string,
  valid: (value: unknown, vars: Vars) => boolean,
  message: (value: unknown) => string,
): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          valid(value, args?.object as Vars),
        defaultMessage: (args?: ValidationArguments) => message(args?.value),
      },
    },
    { groups: [SETTINGS] },
  );
}

/** Set when `applies(vars)`: `OPENAI_API_KEY: required when PROMPT_STRATEGY=llm`. */
export function RequiredWhen<Vars>(
  reason: string,
  applies: (vars: Vars) => boolean,
): PropertyDecorator {
  return Setting<Vars>(
    `required when ${reason}`,
    (value, vars) => Boolean(value) || !applies(vars),
    () => `required when ${reason}`,
  );
}

/** `@RequiredWith('DATABASE_DRIVER', 'cosmos')`: set whenever DATABASE_DRIVER is cosmos. */
export function RequiredWith(variable: string, value: string): PropertyDecorator {
  return RequiredWhen<Record<string, unknown>>(
    `${variable}=${value}`,
    (vars) => vars[variable] === value,
  );
}

/** Holds `valid(value, vars)`, else `message`. */
export function Satisfies<Vars>(
  message: string,
  valid: (value: unknown, vars: Vars) => boolean,
): PropertyDecorator {
  return Setting<Vars>('satisfies', valid, () => message);
}

/** An IANA time zone (`Europe/Paris`, `UTC`). */
export function IsTimezoneVar(): PropertyDecorator {
  return Setting(
    'isTimezone',
    (value) => typeof value === 'string' && isValidTimezone(value),
    (value) => `not an IANA time zone (got ${JSON.stringify(value)})`,
  );
}

/** A cron expression the scheduler takes, when set. */
export function IsCronVar(): PropertyDecorator {
  return Setting(
    'isCron',
    (value) =>
      value === undefined || (typeof value === 'string' && validateCronExpression(value).valid),
    (value) => `not a valid cron expression (got ${JSON.stringify(value)})`,
  );
}
