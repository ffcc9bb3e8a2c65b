import { ApiProperty } from '@nestjs/swagger';

import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination.dto.js';
import { TAG_PATTERN } from '../../generations/dto/create-generation.dto.js';
import { PromptLineageDto } from '../../generations/dto/generation.dto.js';
import type { ImageRecord } from '../../storage/records/records.js';

export class ImageDto {
  id: string;
  @ApiProperty({ enum: ['public', 'private'] })
  visibility: 'public' | 'private';
  /** The prompt the provider drew. */
  prompt: string;
  /** theme → strategy's prompt → provider's revised prompt. */
  lineage: PromptLineageDto;
  @ApiProperty({ type: String, nullable: true })
  negativePrompt: string | null;
  provider: string;
  model: string;
  width: number;
  height: number;
  @ApiProperty({ type: Number, nullable: true })
  seed: number | null;
  contentType: string;
  byteSize: number;
  /** Hex SHA-256 of the content; also its ETag. */
  sha256: string;
  tags: string[];
  /** The generation that made it. */
  jobId: string;
  @ApiProperty({ type: String, nullable: true })
  scheduleId: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  /** Where to fetch the image (PNG). */
  contentUrl: string;
  /** Where to fetch the 256 px WebP thumbnail. */
  thumbnailUrl: string;

  static from(image: ImageRecord): ImageDto {
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
      contentUrl: `/api/v1/images/${image.id}/content`,
      thumbnailUrl: `/api/v1/images/${image.id}/thumbnail`,
    };
  }
}

export class ImageListDto {
  items: ImageDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  @ApiProperty({ type: String, nullable: true })
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
  @Matches(TAG_PATTERN, { message: 'tag must be 1-40 letters, digits, spaces, _ or -' })
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
  @ApiProperty({ enum: ['public', 'private'], required: false })
  @IsOptional()
  @IsIn(['public', 'private'])
  visibility?: 'public' | 'private';
}

export class UpdateImageDto {
  @ApiProperty({ enum: ['public', 'private'], required: false })
  @IsOptional()
  @IsIn(['public', 'private'])
  visibility?: 'public' | 'private';

  /** Replaces the image's tags. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(TAG_PATTERN, {
    each: true,
    message: 'each tag must be 1-40 letters, digits, spaces, _ or -',
  })
  tags?: string[];
}
