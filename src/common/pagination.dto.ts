import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { INTEGER } from './api-enums.js';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

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
