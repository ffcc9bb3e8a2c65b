import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ForbiddenError, UnauthorizedError } from '../common/errors.js';
import { ApiKeysService, isApiKey } from './api-keys.service.js';
import type { AuthUser } from './auth-user.js';
import { IS_PUBLIC, type PublicAccess } from './public.decorator.js';
import { SCOPE_RULE, type ScopeRule } from './scopes.js';

interface GuardedRequest {
  headers: Record<string, unknown>;
  user?: AuthUser;
}

const BEARER = /^bearer\s+(\S+)$/i;

/**
 * The one global guard. Every route needs credentials unless it is `@Public()` (credentials
 * ignored) or `@OptionalAuth()` (credentials, when sent, must be valid). A credential is a bearer
 * access token (passport-jwt, `JwtStrategy`) or a bearer API key (`ifk_…`). Then the route's rule:
 * `@RequireScope` names the scope an API key needs (a session has every scope of its role, so only
 * `admin` can refuse one), `@SessionOnly` refuses API keys, and a route that says nothing refuses
 * API keys too. A refusal is a 403; bad credentials are a 401.
 */
@Injectable()
export class CredentialsGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const access = this.reflector.getAllAndOverride<PublicAccess | undefined>(IS_PUBLIC, targets);
    if (access === 'anonymous') return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const { authorization } = request.headers;
    if (access === 'optional' && authorization === undefined) return true;
    const bearer = typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined;
    if (bearer !== undefined && isApiKey(bearer)) {
      request.user = await this.apiKeys.authenticate(bearer);
    } else {
      await super.canActivate(context);
    }
    const rule = this.reflector.getAllAndOverride<ScopeRule | undefined>(SCOPE_RULE, targets);
    allow(request.user as AuthUser, rule);
    return true;
  }

  override handleRequest<T = AuthUser>(error: unknown, user: T | false, info: unknown): T {
    if (error instanceof UnauthorizedError) throw error;
    if (error || !user) {
      const reason = info instanceof Error ? info.message : 'a bearer token is required';
      throw new UnauthorizedError(`Not authenticated: ${reason}`);
    }
    return user;
  }
}

/** Throws a `ForbiddenError` unless `rule` lets the caller's credential through. */
function allow(user: AuthUser, rule: ScopeRule | undefined): void {
  const credential = user.credential;
  if (credential?.kind === 'api-key') {
    if (rule === undefined) throw new ForbiddenError('This route does not accept API keys');
    if (rule === 'session-only') {
      throw new ForbiddenError('This route needs a signed-in session; API keys cannot use it');
    }
    if (!credential.scopes.includes(rule.scope)) {
      throw new ForbiddenError(`This API key lacks the ${rule.scope} scope this route needs`);
    }
    return;
  }
  if (rule !== undefined && rule !== 'session-only' && rule.scope === 'admin') {
    if (user.role !== 'admin') throw new ForbiddenError('Admins only');
  }
}
