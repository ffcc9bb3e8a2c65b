import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthorizedError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { AuthConfig } from '../config/config-slices.js';
import type { Session, User } from '../domain/records.js';
import { SessionsRepository } from '../storage/records/sessions.repository.js';
import { UsersRepository } from '../storage/records/users.repository.js';
import { SessionDto, UserDto } from './dto/user.dto.js';
import { hashSecret, newSecret } from './secrets.js';

/** The claims of an access token, besides issuer, audience, `iat` and `exp`. */
export interface AccessClaims {
  readonly sub: string;
  readonly role: string;
  /** The session (refresh token family) the token belongs to. */
  readonly sid: string;
}

/** Longest User-Agent kept with a session. */
const MAX_USER_AGENT = 200;

/**
 * Sessions: an access token (short-lived JWT naming its session) and a refresh token (opaque,
 * stored only as a hash) that rotates on every use. A refresh token presented a second time, past
 * a short grace (REFRESH_REUSE_GRACE_SECONDS) after its first use, means two parties hold it: the
 * whole session ends.
 */
@Injectable()
export class SessionTokens {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly users: UsersRepository,
    private readonly jwt: JwtService,
    private readonly config: AuthConfig,
  ) {}

  /** A new session for `user`: its first refresh token and an access token. */
  open(user: User, userAgent?: string): Promise<SessionDto> {
    return this.issue(user, newId(), userAgent?.slice(0, MAX_USER_AGENT) ?? null, new Date());
  }

  /**
   * Rotates `refreshToken`: it is marked used and a new pair is issued in the same session. An
   * unknown, expired or revoked token is a 401. One already used ends its whole session, then is a
   * 401, unless it was used less than REFRESH_REUSE_GRACE_SECONDS ago: then it gets another new
   * pair (two tabs sharing a session that refresh at once; a concurrent refresh that lost the
   * race).
   */
  async refresh(refreshToken: string): Promise<SessionDto> {
    const stored = await this.sessions.findByTokenHash(hashSecret(refreshToken));
    if (!stored) throw notAuthenticated('the refresh token is not valid');
    const now = new Date();
    if (stored.usedAt !== null && !this.inReuseGrace(stored, now)) {
      throw await this.reused(stored, now);
    }
    if (stored.revokedAt !== null || (await this.sessions.isFamilyRevoked(stored.familyId))) {
      throw notAuthenticated('the session has ended');
    }
    if (stored.expiresAt <= now.toISOString()) throw notAuthenticated('the refresh token expired');
    const user = await this.users.findById(stored.userId);
    if (!user) throw notAuthenticated('the account no longer exists');
    if (user.disabled) throw notAuthenticated('the account is disabled');
    // Compare-and-set: of two refreshes of this token, one marks it used; the other is a reuse,
    // forgiven within the grace (the winner used it a moment ago) unless the family was revoked.
    if (stored.usedAt === null && !(await this.sessions.markUsed(stored, now.toISOString()))) {
      const winner = await this.sessions.findByTokenHash(stored.tokenHash);
      if (!winner || winner.revokedAt !== null || !this.inReuseGrace(winner, now)) {
        throw await this.reused(stored, now);
      }
    }
    return this.issue(user, stored.familyId, stored.userAgent, now);
  }

  /** Ends one session: its refresh tokens and, at once, its access tokens. */
  async end(sessionId: string): Promise<void> {
    await this.sessions.revokeFamily(sessionId, new Date().toISOString());
  }

  /** Ends every session of the user. */
  async endAll(userId: string): Promise<void> {
    await this.sessions.revokeAllForUser(userId, new Date().toISOString());
  }

  /** Whether `token` was used less than REFRESH_REUSE_GRACE_SECONDS before `now`. */
  private inReuseGrace(token: Session, now: Date): boolean {
    if (token.usedAt === null) return false;
    return now.getTime() - Date.parse(token.usedAt) < this.config.refreshReuseGraceSeconds * 1000;
  }

  private async reused(stored: Session, now: Date): Promise<UnauthorizedError> {
    await this.sessions.revokeFamily(stored.familyId, now.toISOString());
    return notAuthenticated('the refresh token was already used, so its session has been ended');
  }

  private async issue(
    user: User,
    familyId: string,
    userAgent: string | null,
    now: Date,
  ): Promise<SessionDto> {
    const refreshToken = newSecret();
    const createdAt = now.toISOString();
    await this.sessions.create({
      id: newId(),
      familyId,
      userId: user.id,
      tokenHash: hashSecret(refreshToken),
      createdAt,
      expiresAt: new Date(now.getTime() + this.config.refreshTtlSeconds * 1000).toISOString(),
      usedAt: null,
      revokedAt: null,
      lastUsedAt: createdAt,
      userAgent,
    });
    const claims: AccessClaims = { sub: user.id, role: user.role, sid: familyId };
    return {
      accessToken: await this.jwt.signAsync(claims),
      tokenType: 'Bearer',
      expiresIn: this.config.ttlSeconds,
      refreshToken,
      refreshExpiresIn: this.config.refreshTtlSeconds,
      user: UserDto.from(user),
    };
  }
}

function notAuthenticated(reason: string): UnauthorizedError {
  return new UnauthorizedError(`Not authenticated: ${reason}`);
}
