import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ConflictError, NotFoundError, UnauthorizedError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { UniqueViolationError, type User } from '../domain/records.js';
import { foldEmail, UsersRepository } from '../storage/records/users.repository.js';
import type { CredentialsDto } from './dto/credentials.dto.js';
import { SessionDto, UserDto } from './dto/user.dto.js';
import { PasswordHasher } from './password-hasher.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  async register({ email, password }: CredentialsDto): Promise<SessionDto> {
    // Folded here too: the admin list is matched, and the session shows, the stored address.
    const address = foldEmail(email);
    if (await this.users.findByEmail(address)) throw emailTaken();
    const user: User = {
      id: newId(),
      email: address,
      passwordHash: await this.hasher.hash(password),
      role: this.config.auth.adminEmails.has(address) ? 'admin' : 'user',
      createdAt: new Date().toISOString(),
    };
    try {
      await this.users.create(user);
    } catch (error) {
      if (error instanceof UniqueViolationError) throw emailTaken();
      throw error;
    }
    return this.session(user);
  }

  async login({ email, password }: CredentialsDto): Promise<SessionDto> {
    const user = await this.users.findByEmail(email);
    const valid = await this.hasher.verify(password, user?.passwordHash ?? null);
    if (!user || !valid) throw new UnauthorizedError('Wrong e-mail or password');
    return this.session(user);
  }

  async me(userId: string): Promise<UserDto> {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundError('No such user');
    return UserDto.from(user);
  }

  private async session(user: User): Promise<SessionDto> {
    const accessToken = await this.jwt.signAsync({ sub: user.id, role: user.role });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.config.auth.ttlSeconds,
      user: UserDto.from(user),
    };
  }
}

function emailTaken(): ConflictError {
  return new ConflictError('An account with this e-mail already exists', [
    { field: 'email', message: 'is already registered' },
  ]);
}
