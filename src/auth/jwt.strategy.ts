import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { UnauthorizedError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { UsersRepository } from '../storage/records/users.repository.js';
import type { AuthUser } from './auth-user.js';

export const JWT_ALGORITHM = 'HS256';

interface AccessTokenClaims {
  sub: string;
  exp?: unknown;
  iat?: unknown;
}

/** Clock difference tolerated between replicas for `iat`. */
const CLOCK_SKEW_SECONDS = 60;

/** Verifies access tokens: algorithm pinned, issuer, audience and expiry checked, user still there. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly users: UsersRepository,
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
    if (typeof claims.exp !== 'number') {
      throw new UnauthorizedError('Not authenticated: the token has no expiry');
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.iat !== 'number' || claims.iat > now + CLOCK_SKEW_SECONDS) {
      throw new UnauthorizedError('Not authenticated: the token has no valid issue time');
    }
    const user = typeof claims.sub === 'string' ? await this.users.findById(claims.sub) : null;
    if (!user) throw new UnauthorizedError('Not authenticated: the account no longer exists');
    return { id: user.id, email: user.email, role: user.role };
  }
}
