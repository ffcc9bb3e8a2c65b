import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * Tags as they are stored and matched, whatever the store: one rule here, above the ports, so
 * that `Koi`, ` koi ` and `KOI` are the same tag in SQLite, MongoDB and Cosmos DB alike. Every
 * way a tag comes in (a generation, a schedule's template, an image update, the `tag` filter)
 * goes through `normalizeTag`.
 */

/**
 * What a tag may be, once normalised: letters, digits, space, `_` and `-`, up to 40. Combining
 * marks too, after the first character: lower-casing can make one (`İ` → `i̇`).
 */
export const TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} _-]{0,39}$/u;
const TAG_RULE = '1-40 letters, digits, spaces, _ or -, starting with a letter or digit';

/** Composed (NFC), trimmed, inner whitespace collapsed to one space, lower-cased in any script. */
export function normalizeTag(tag: string): string {
  return tag.normalize('NFC').trim().replace(/\s+/gu, ' ').toLocaleLowerCase('und');
}

/** Each tag normalised, duplicates dropped, first occurrence's order kept. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map(normalizeTag))];
}

export const isTag = (value: unknown): boolean =>
  typeof value === 'string' && TAG_PATTERN.test(normalizeTag(value));

/** `tags[1] ("no/slash")`: where and what, for the message. */
const quoted = (where: string, value: unknown): string =>
  `${where} (${JSON.stringify(value) ?? String(value)})`;

/**
 * A list of tags, each checked as it will be stored (normalised). The message names every bad
 * tag by position and value, so a client can tell which of twenty it was. A value that is not an
 * array is left to `@IsArray()`, which the DTO keeps beside this one (the OpenAPI plugin reads
 * the decorators it knows there).
 */
export function AreTags(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'areTags',
      validator: {
        validate: (value: unknown) => !Array.isArray(value) || value.every(isTag),
        defaultMessage: ({ property, value }: ValidationArguments) => {
          const bad = (value as unknown[]).flatMap((tag, i) =>
            isTag(tag) ? [] : [quoted(`${property}[${i}]`, tag)],
          );
          return `${bad.join(', ')} ${bad.length > 1 ? 'are not tags' : 'is not a tag'}: ${TAG_RULE}`;
        },
      },
    },
    options,
  );
}

/** One tag (the `tag` filter), checked as it will be matched (normalised). */
export function IsTag(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTag',
      validator: {
        validate: isTag,
        defaultMessage: ({ property, value }: ValidationArguments) =>
          `${quoted(property, value)} is not a tag: ${TAG_RULE}`,
      },
    },
    options,
  );
}
