import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';

import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
  isIn,
  isISO8601,
  maxLength,
  minLength,
} from 'class-validator';
import {
  ApiDateTime,
  ApiInteger,
  ApiNullableInteger,
  ApiNullableString,
} from '../../common/api-properties.js';
import { INTEGER, VISIBILITY } from '../../common/api-enums.js';
import { PAGE_QUERY_CHECKS, PageQueryDto } from '../../common/pagination.dto.js';
import { registerQueryCheck, type FieldCheck } from '../../common/query-checks.js';
import { IsTag, isTag } from '../../common/tags.js';
import { CreateGenerationDto } from '../../generations/dto/create-generation.dto.js';
import { PromptLineageDto } from '../../generations/dto/generation.dto.js';
import { VISIBILITIES, type ImageRecord, type Visibility } from '../../domain/records.js';
import type { ItemLayout } from '../../storage/records/images.repository.js';
import { publicContentUrl } from '../content-urls.js';

export class ImageDto {
  id: string;
  /** `public` images are in the gallery; `private` ones only their owner sees. */
  @ApiProperty(VISIBILITY)
  visibility: Visibility;
  /** The prompt the provider drew. */
  prompt: string;
  /** theme → strategy's prompt → provider's revised prompt. */
  lineage: PromptLineageDto;
  @ApiNullableString()
  negativePrompt: string | null;
  provider: string;
  model: string;
  /** Pixels. */
  @ApiInteger(1)
  width: number;
  /** Pixels. */
  @ApiInteger(1)
  height: number;
  /** The seed it was drawn with, where the provider takes seeds. */
  @ApiNullableInteger()
  seed: number | null;
  /** Media type of the content, `image/png`. */
  contentType: string;
  /** Size of the content in bytes. */
  @ApiInteger(0)
  byteSize: number;
  /** Hex SHA-256 of the content; also its ETag. */
  sha256: string;
  tags: string[];
  /** The generation that made it. */
  jobId: string;
  @ApiNullableString()
  scheduleId: string | null;
  @ApiDateTime()
  createdAt: string;
  /**
   * Where to fetch the image (PNG). For a private image (shown only to its owner) the URL is signed
   * and works without a token, for an hour or more: usable as an `<img src>`.
   */
  contentUrl: string;
  /** Where to fetch the 256 px WebP thumbnail; signed like `contentUrl`. */
  thumbnailUrl: string;

  static from(image: ImageRecord, urls: { contentUrl: string; thumbnailUrl: string }): ImageDto {
    return {
      id: image.id,
      visibility: image.visibility,
      prompt: image.prompt,
      lineage: { ...image.lineage },
      negativePrompt: image.negativePrompt,
      provider: image.provider,
      model: image.model,
      width: image.width,
      height: image.height,
      seed: image.seed,
      contentType: image.contentType,
      byteSize: image.byteSize,
      sha256: image.sha256,
      tags: [...image.tags],
      jobId: image.jobId,
      scheduleId: image.scheduleId,
      createdAt: image.createdAt,
      contentUrl: urls.contentUrl,
      thumbnailUrl: urls.thumbnailUrl,
    };
  }
}

/**
 * An image's list item as `ImageDto.from` makes it, key for key, but its two content URLs (its last
 * keys): for a store that writes the JSON itself (`ImagesRepository.ownedItems`), to which
 * `withContentUrls` adds them. The images contract holds the two equal.
 */
export const ITEM_FIELDS_LAYOUT: ItemLayout = (
  [
    'id',
    'visibility',
    'prompt',
    'lineage',
    'negativePrompt',
    'provider',
    'model',
    'width',
    'height',
    'seed',
    'contentType',
    'byteSize',
    'sha256',
    'tags',
    'jobId',
    'scheduleId',
    'createdAt',
  ] as const
).map((field) => [field, field] as const);

/**
 * A public image's list item as `ImageDto.from` makes it, key for key, its content URLs included
 * (the same for everyone): for a store that writes the JSON itself
 * (`ImagesRepository.publicItems`; the images contract holds the two equal).
 */
export const PUBLIC_ITEM_LAYOUT: ItemLayout = [
  ...ITEM_FIELDS_LAYOUT,
  ['contentUrl', publicContentUrl('image')],
  ['thumbnailUrl', publicContentUrl('thumbnail')],
];

/** An item laid out by `ITEM_FIELDS_LAYOUT`, with its content URLs: `ImageDto.from`'s JSON. */
export function withContentUrls(
  fields: string,
  urls: { contentUrl: string; thumbnailUrl: string },
): string {
  return `${fields.slice(0, -1)},"contentUrl":${JSON.stringify(urls.contentUrl)},"thumbnailUrl":${JSON.stringify(urls.thumbnailUrl)}}`;
}

export class ImageListDto {
  items: ImageDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  @ApiNullableString()
  nextCursor: string | null;
}

export class ImageQueryDto extends PageQueryDto {
  /** Words of the prompt or tags (all must match; the last may be a prefix). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  provider?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  model?: string;

  @IsOptional()
  @IsString()
  @IsTag()
  tag?: string;

  /** Made at or after this time (ISO-8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Made before this time (ISO-8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class MyImageQueryDto extends ImageQueryDto {
  /** Only public or only private images. */
  @ApiPropertyOptional(VISIBILITY)
  @IsOptional()
  @IsIn(VISIBILITIES)
  visibility?: Visibility;
}

/** Each field as its decorators above check it: the gallery's lists skip the general validation. */
const upTo =
  (length: number): FieldCheck =>
  (value) =>
    maxLength(value, length) ? value : undefined;
const instant: FieldCheck = (value) => (isISO8601(value, { strict: true }) ? value : undefined);
const IMAGE_QUERY_CHECKS: Readonly<Record<keyof ImageQueryDto, FieldCheck>> = {
  ...PAGE_QUERY_CHECKS,
  q: (value) => (minLength(value, 1) && maxLength(value, 200) ? value : undefined),
  provider: upTo(50),
  model: upTo(200),
  tag: (value) => (isTag(value) ? value : undefined),
  from: instant,
  to: instant,
};
registerQueryCheck(ImageQueryDto, IMAGE_QUERY_CHECKS);
registerQueryCheck(MyImageQueryDto, {
  ...IMAGE_QUERY_CHECKS,
  visibility: (value) => (isIn(value, VISIBILITIES) ? value : undefined),
} satisfies Record<keyof MyImageQueryDto, FieldCheck>);

/** The fields to change, with the rules of a generation request; fields left out keep their values. */
export class UpdateImageDto extends PickType(CreateGenerationDto, ['visibility', 'tags'] as const) {
  /** `private` hides the image from the gallery and from everyone but you. */
  declare visibility?: Visibility;

  // `PickType` copies `tags` with its description in a generation request: set explicitly.
  @ApiPropertyOptional({ description: "Replaces the image's tags." })
  override tags?: string[];
}

/** The query of a signed content URL (`contentUrl` / `thumbnailUrl` of a private image). */
export class ContentQueryDto {
  /** Unix time (seconds) the signed URL expires at. */
  @ApiPropertyOptional({ ...INTEGER, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  expires?: number;

  /** The URL's signature; with `expires`, it grants access without a token. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'signature must be the one of a signed content URL' })
  signature?: string;
}
