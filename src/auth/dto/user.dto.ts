import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime, ApiInteger, ApiNullableInteger } from '../../common/api-properties.js';
import { ROLE } from '../../common/api-enums.js';
import type { Role, User } from '../../domain/records.js';

export class UserDto {
  id: string;
  email: string;
  /** Admins see and manage every image, generation, schedule and account. */
  @ApiProperty(ROLE)
  role: Role;
  /** A disabled account cannot sign in, and its tokens and API keys are refused. */
  disabled: boolean;
  /** ISO-8601 UTC. */
  @ApiDateTime()
  createdAt: string;

  static from(user: User): UserDto {
    return {
      id: user.id,
      email: user.email,
      role: user.role,
      disabled: user.disabled,
      createdAt: user.createdAt,
    };
  }
}

export class SessionDto {
  /** Send as `Authorization: Bearer <accessToken>`. */
  accessToken: string;
  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  @ApiInteger(1)
  expiresIn: number;
  /**
   * Exchange it at `POST /auth/refresh` for a new pair before `refreshExpiresIn` runs out. Each
   * refresh token works once: presenting one again ends the session.
   */
  refreshToken: string;
  /** Seconds until the refresh token expires. */
  @ApiInteger(1)
  refreshExpiresIn: number;
  user: UserDto;
}

/** The daily image quota: images generated today (UTC) and how many more are allowed. */
export class QuotaDto {
  /** Images per UTC day; null: no limit (admins, or DAILY_IMAGE_QUOTA=0). */
  @ApiNullableInteger(1)
  limit: number | null;
  /** Images generated (or queued) today. */
  @ApiInteger(0)
  used: number;
  /** Images still allowed today; null: no limit. */
  @ApiNullableInteger(0)
  remaining: number | null;
  /** When the count starts again: the next midnight UTC. */
  @ApiDateTime()
  resetsAt: string;
}

export class MeDto extends UserDto {
  quota: QuotaDto;
}
