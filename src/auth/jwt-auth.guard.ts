import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { UnauthorizedError } from '../common/errors.js';
import type { AuthUser } from './auth-user.js';
import { IS_PUBLIC, type PublicAccess } from './public.decorator.js';

/**
 * The one global guard: every route needs a valid bearer token unless it is `@Public()` (credentials
 * ignored) or `@OptionalAuth()` (a token, when sent, must be valid).
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const access = this.reflector.getAllAndOverride<PublicAccess | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === 'anonymous') return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    if (access === 'optional' && request.headers.authorization === undefined) return true;
    return super.canActivate(context) as Promise<boolean>;
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
