import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { LOG_LEVEL, ROLE } from '../../common/api-enums.js';
import { INSTANCE } from '../../common/ids.js';
import type { LogLevels } from '../../common/logging.js';
import { LOG_LEVELS, type LogLevel } from '../../config/env.schema.js';
import { PageQueryDto } from '../../common/pagination.dto.js';
import { UserDto } from '../../auth/dto/user.dto.js';
import { MyImageQueryDto } from '../../gallery/dto/image.dto.js';
import { GenerationListQueryDto } from '../../generations/dto/generation.dto.js';
import { ROLES, type Role } from '../../domain/records.js';

export class AdminUserQueryDto extends PageQueryDto {
  /** Only accounts whose e-mail contains this text (case-insensitive). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  email?: string;
}

export class AdminUserListDto {
  items: UserDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  @ApiPropertyOptional({ type: String, nullable: true })
  nextCursor: string | null;
}

/** Fields left out keep their values; at least one is needed. */
export class UpdateUserDto {
  /** `true` stops the account at once: its sessions end, its tokens and API keys get 401. */
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  /** `admin` manages every account, image, generation and schedule. */
  @ApiPropertyOptional(ROLE)
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}

export class AdminImageQueryDto extends MyImageQueryDto {
  /** Only this account's images. */
  @IsOptional()
  @IsUUID()
  ownerId?: string;
}

export class AdminGenerationQueryDto extends GenerationListQueryDto {
  /** Only this account's generations. */
  @IsOptional()
  @IsUUID()
  ownerId?: string;
}

/** A replica's log level: now, and at start. */
export class LogLevelDto {
  /** What this replica logs at now. */
  @ApiProperty(LOG_LEVEL)
  level: LogLevel;

  /** `LOG_LEVEL`: what this replica started at, and starts at again when it restarts. */
  @ApiProperty(LOG_LEVEL)
  configured: LogLevel;

  /**
   * The replica that answered (its host and pid): each replica has its own level, and a change
   * reaches only the replica that answers it.
   */
  instance: string;

  static from(levels: LogLevels): LogLevelDto {
    return { level: levels.current, configured: levels.configured, instance: INSTANCE };
  }
}

export class SetLogLevelDto {
  /**
   * `info` (the default) logs one line per request; `warn` leaves those out; `debug` and `trace`
   * add detail; `silent` logs nothing.
   */
  @ApiProperty(LOG_LEVEL)
  @IsIn(LOG_LEVELS)
  level: LogLevel;
}
