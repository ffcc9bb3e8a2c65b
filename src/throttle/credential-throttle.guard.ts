import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isEmail } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { TooManyRequestsError } from '../common/errors.js';
import { isWellFormed } from '../common/http-edge.js';
import { ThrottleConfig, type ThrottledRoute } from '../config/config-slices.js';
import { foldEmail } from '../storage/records/users.repository.js';
import { RateLimiter } from './rate-limiter.js';
import { THROTTLED_ROUTE } from './throttled.decorator.js';

/**
 * Throttles the `@Throttled` routes: each request counts once per client IP, once per account
 * e-mail its body names and once per signed-in account, against that route's limits; over any, a
 * 429 with `Retry-After`. Runs after the credentials guard (so the signed-in account is known) and
 * before validation (guards do), so it reads the body defensively.
 */
@Injectable()
export class CredentialThrottleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: ThrottleConfig,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = this.reflector.get<ThrottledRoute | undefined>(
      THROTTLED_ROUTE,
      context.getHandler(),
    );
    if (!route) return true;
    const { perIp, perEmail, perAccount } = this.config.limits[route];
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const counts: [key: string, limit: number][] = [];
    if (perIp > 0) counts.push([`${route}:ip:${clientOf(request.ip)}`, perIp]);
    const email = perEmail > 0 ? emailOf(request.body) : undefined;
    if (email) counts.push([`${route}:email:${email}`, perEmail]);
    const account = perAccount > 0 ? request.user?.id : undefined;
    if (account) counts.push([`${route}:account:${account}`, perAccount]);
    const windowMs = this.config.windowSeconds * 1000;
    for (const [key, limit] of counts) {
      const outcome = await this.limiter.hit(key, limit, windowMs);
      if (!outcome.allowed) {
        throw new TooManyRequestsError(
          'Too many attempts; wait before trying again',
          outcome.retryAfterSeconds,
        );
      }
    }
    return true;
  }
}

/**
 * The account e-mail a body names, folded as accounts store it and hashed (no address is kept in
 * memory); undefined when there is none. Only well-formed addresses count: validation refuses the
 * rest, and counting every random string of a flood would only fill memory.
 */
function emailOf(body: unknown): string | undefined {
  const email = (body as { email?: unknown } | null | undefined)?.email;
  if (typeof email !== 'string') return undefined;
  const trimmed = email.trim();
  // isEmail throws on text that is not Unicode (the JSON parser refuses it before this anyway).
  if (trimmed.length > 254 || !isWellFormed(trimmed) || !isEmail(trimmed)) return undefined;
  return createHash('sha256').update(foldEmail(trimmed)).digest('base64url');
}

/** The client: its IPv4 address, or the /64 of its IPv6 one (one host usually holds a whole /64). */
function clientOf(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).join(':')}::/64`;
}
