import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ROLE } from '../../common/api-enums.js';
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
