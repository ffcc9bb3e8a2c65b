import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../../storage/records/records.js';

export class UserDto {
  id: string;
  email: string;
  @ApiProperty({ enum: ['user', 'admin'] })
  role: 'user' | 'admin';
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
  expiresIn: number;
  user: UserDto;
}
