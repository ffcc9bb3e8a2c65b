import { ApiProperty, PickType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ApiDateTime, ApiNullableDateTime } from '../../common/api-properties.js';
import { API_SCOPES, type ApiKey, type ApiScope } from '../../domain/records.js';

/** The scopes, one named schema for generated clients. */
export const API_SCOPE = { enum: [...API_SCOPES], enumName: 'ApiScope' };

export class CreateApiKeyDto {
  /** What the key is for, for people: `nightly backup`, `CI`. */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  /**
   * What the key may do: `images:read` (read my images, generations, schedules, account),
   * `images:write` (change and delete my images), `generations:write` (generate), `schedules:write`
   * (manage schedules), `admin` (admin routes; admins only).
   */
  @ApiProperty({ ...API_SCOPE, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(API_SCOPES.length)
  @ArrayUnique()
  @IsIn(API_SCOPES, { each: true })
  scopes: ApiScope[];
}

export class ApiKeyDto {
  id: string;
  name: string;
  @ApiProperty({ ...API_SCOPE, isArray: true })
  scopes: ApiScope[];
  /** The start of the key (`ifk_<id>`), to tell keys apart; the secret part is never shown again. */
  prefix: string;
  @ApiDateTime()
  createdAt: string;
  /** Last request made with the key, to the minute; null if never used. */
  @ApiNullableDateTime()
  lastUsedAt: string | null;

  static from(key: ApiKey): ApiKeyDto {
    return {
      id: key.id,
      name: key.name,
      scopes: [...key.scopes],
      prefix: apiKeyPrefix(key.id),
      createdAt: key.createdAt,
      lastUsedAt: key.lastUsedAt,
    };
  }
}

/** A new key: what `ApiKeyDto` shows of it, and this once the key itself. */
export class CreatedApiKeyDto extends PickType(ApiKeyDto, [
  'id',
  'name',
  'scopes',
  'createdAt',
] as const) {
  /**
   * The key, shown this once: send it as `Authorization: Bearer <key>`. Only a hash of it is
   * stored; a lost key cannot be shown again (revoke it and make another).
   */
  key: string;
}

export class ApiKeyListDto {
  /** My keys that are not revoked, newest first. */
  items: ApiKeyDto[];
}

/** The part of a key before its secret. */
export const apiKeyPrefix = (id: string): string => `ifk_${id}`;
