import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { INTEGER } from './api-enums.js';
import {
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  isInt,
  max,
  maxLength,
  min,
} from 'class-validator';
import type { FieldCheck } from './query-checks.js';

export class PageQueryDto {
  /** `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  /** Items per page. */
  @ApiPropertyOptional({ ...INTEGER, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number = 20;
}

/** `PageQueryDto`'s fields, as its decorators check them (see `registerQueryCheck`). */
export const PAGE_QUERY_CHECKS: Readonly<Record<keyof PageQueryDto, FieldCheck>> = {
  cursor: (value) => (maxLength(value, 512) ? value : undefined),
  limit: (value) => {
    const limit = Number(value); // what `@Type(() => Number)` does
    return isInt(limit) && min(limit, 1) && max(limit, 100) ? limit : undefined;
  },
};
