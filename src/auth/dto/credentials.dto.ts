import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class CredentialsDto {
  /** E-mail address; compared case-insensitively. */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail()
  @MaxLength(254)
  email: string;

  /** At least 8 characters. */
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password: string;
}

export class RefreshDto {
  /** The `refreshToken` of the last sign-in or refresh. */
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  refreshToken: string;
}

export class ChangePasswordDto {
  /** The password now. */
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword: string;

  /** At least 8 characters. */
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  newPassword: string;
}
