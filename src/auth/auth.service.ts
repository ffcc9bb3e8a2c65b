import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../common/errors.js';
import { newId } from '../common/ids.js';
import { AuthConfig } from '../config/config-slices.js';
import { UniqueViolationError, type NewUser, type User } from '../domain/records.js';
import { foldEmail, UsersRepository } from '../storage/records/users.repository.js';
import type { AuthUser } from './auth-user.js';
import type { ChangePasswordDto, CredentialsDto } from './dto/credentials.dto.js';
import { type MeDto, SessionDto, UserDto } from './dto/user.dto.js';
import { GenerationQuota } from './generation-quota.js';
import { PasswordHasher } from './password-hasher.js';
import { SessionTokens } from './session-tokens.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: SessionTokens,
    private readonly quota: GenerationQuota,
    private readonly config: AuthConfig,
  ) {}

  async register({ email, password }: CredentialsDto, userAgent?: string): Promise<SessionDto> {
    // Folded here too: the admin list is matched, and the session shows, the stored address.
    const address = foldEmail(email);
    if (await this.users.findByEmail(address)) throw emailTaken();
    const draft: NewUser = {
      id: newId(),
      email: address,
      passwordHash: await this.hasher.hash(password),
      role: this.config.adminEmails.has(address) ? 'admin' : 'user',
      createdAt: new Date().toISOString(),
    };
    let user: User;
    try {
      user = await this.users.create(draft);
    } catch (error) {
      if (error instanceof UniqueViolationError) throw emailTaken();
      throw error;
    }
    return this.tokens.open(user, userAgent);
  }

  async login({ email, password }: CredentialsDto, userAgent?: string): Promise<SessionDto> {
    const user = await this.users.findByEmail(email);
    const valid = await this.hasher.verify(password, user?.passwordHash ?? null);
    if (!user || !valid) throw new UnauthorizedError('Wrong e-mail or password');
    // Said only to whoever knows the password.
    if (user.disabled) throw new UnauthorizedError('This account is disabled');
    return this.tokens.open(user, userAgent);
  }

  refresh(refreshToken: string): Promise<SessionDto> {
    return this.tokens.refresh(refreshToken);
  }

  /** Ends the caller's session: its refresh token and its access tokens stop working at once. */
  async logout(user: AuthUser): Promise<void> {
    const credential = user.credential;
    if (credential?.kind === 'session' && credential.sessionId !== null) {
      await this.tokens.end(credential.sessionId);
    }
  }

  /** Ends every session of the caller, access tokens made before sessions existed included. */
  async logoutEverywhere(user: AuthUser): Promise<void> {
    await this.users.update(user.id, { tokensValidAfter: wholeSecondNow() });
    await this.tokens.endAll(user.id);
  }

  /**
   * Changes the password and ends every session of the account, this one included; the answer is
   * a new session, so the caller stays signed in (and only the caller).
   */
  async changePassword(
    caller: AuthUser,
    { currentPassword, newPassword }: ChangePasswordDto,
    userAgent?: string,
  ): Promise<SessionDto> {
    const user = await this.account(caller.id);
    if (!(await this.hasher.verify(currentPassword, user.passwordHash))) {
      throw ValidationError.field('currentPassword', 'is not the current password');
    }
    const updated = await this.users.update(user.id, {
      passwordHash: await this.hasher.hash(newPassword),
      tokensValidAfter: wholeSecondNow(),
    });
    if (!updated) throw new NotFoundError('No such user');
    await this.tokens.endAll(user.id);
    return this.tokens.open(updated, userAgent);
  }

  /** The account, with its daily image quota. */
  async me(userId: string): Promise<MeDto> {
    const user = await this.account(userId);
    return { ...UserDto.from(user), quota: await this.quota.status(user) };
  }

  private async account(userId: string): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundError('No such user');
    return user;
  }
}

/**
 * Now, to the second: access tokens carry their issue time (`iat`) in whole seconds, and a token
 * issued in this same second, after this call, must still count as issued after it. (One issued in
 * this second before the call belongs to a session this call also ends.)
 */
function wholeSecondNow(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
}

function emailTaken(): ConflictError {
  return new ConflictError('An account with this e-mail already exists', [
    { field: 'email', message: 'is already registered' },
  ]);
}
