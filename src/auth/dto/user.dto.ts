import { ApiProperty } from '@nestjs/swagger';
import { INTEGER, ROLE } from '../../common/api-enums.js';
import type { Role, User } from '../../domain/records.js';

export class UserDto {
  id: string;
  email: string;
  /** Admins see and manage every image and schedule. */
  @ApiProperty(ROLE)
  role: Role;
  /** ISO-8601 UTC. */
  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  static from(user: User): UserDto {
    return { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt };
  }
}

export class SessionDto {
  /** Send as `Authorization: Bearer <accessToken>`. */
  accessToken: string;
  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';
  /** Seconds until the token expires. */
  @ApiProperty({ ...INTEGER, minimum: 1 })
  expiresIn: number;
  user: UserDto;
}
