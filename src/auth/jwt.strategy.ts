import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { UnauthorizedError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { SessionsRepository } from '../storage/records/sessions.repository.js';
import { UsersRepository } from '../storage/records/users.repository.js';
import type { AuthUser } from './auth-user.js';

export const JWT_ALGORITHM = 'HS256';

interface AccessTokenClaims {
  sub: string;
  exp?: unknown;
  iat?: unknown;
  sid?: unknown;
}

/** Clock difference tolerated between replicas for `iat`. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * Verifies access tokens: algorithm pinned, issuer, audience and expiry checked; then, on every
 * request, the account (still there, not disabled, no later "tokens valid after" than the token's
 * issue time) and the token's session (not ended). Tokens made before sessions existed carry no
 * `sid`: they live out their expiry, and "sign out everywhere" or a password change ends them.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.auth.jwtSecret,
      algorithms: [JWT_ALGORITHM],
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessTokenClaims): Promise<AuthUser> {
    // jsonwebtoken checks `exp` only when it is there: a token without one would never expire.
    if (typeof claims.exp !== 'number') throw notAuthenticated('the token has no expiry');
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.iat !== 'number' || claims.iat > now + CLOCK_SKEW_SECONDS) {
      throw notAuthenticated('the token has no valid issue time');
    }
    if (claims.sid !== undefined && typeof claims.sid !== 'string') {
      throw notAuthenticated('the token names no valid session');
    }
    const user = typeof claims.sub === 'string' ? await this.users.findById(claims.sub) : null;
    if (!user) throw notAuthenticated('the account no longer exists');
    if (user.disabled) throw notAuthenticated('the account is disabled');
    if (user.tokensValidAfter && claims.iat < Date.parse(user.tokensValidAfter) / 1000) {
      throw notAuthenticated('the token was revoked (signed out everywhere, or password changed)');
    }
    if (claims.sid !== undefined && (await this.sessions.isFamilyRevoked(claims.sid))) {
      throw notAuthenticated('the session has ended');
    }
    return {
      id: user.id,
      email: user.email,
      role: user.role,
      credential: { kind: 'session', sessionId: claims.sid ?? null },
    };
  }
}

function notAuthenticated(reason: string): UnauthorizedError {
  return new UnauthorizedError(`Not authenticated: ${reason}`);
}
