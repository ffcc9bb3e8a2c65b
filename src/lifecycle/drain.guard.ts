import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { UnavailableError } from '../common/errors.js';
import { API_PREFIX } from '../openapi/swagger.js';
import { ProcessLifecycle } from './process-lifecycle.js';

/** The routes that start new work (a job): refused while draining, so nothing is left unrun. */
const NEW_WORK = new Set([
  `POST /${API_PREFIX}/generations`,
  `POST /${API_PREFIX}/schedules/:id/run`,
]);

/** Seconds a client is told to wait before retrying, by then on another replica. */
const RETRY_AFTER_SECONDS = 5;

/** While the process drains, new jobs get 503 with Retry-After; everything else is served. */
@Injectable()
export class DrainGuard implements CanActivate {
  constructor(private readonly lifecycle: ProcessLifecycle) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.lifecycle.draining || context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!NEW_WORK.has(`${request.method} ${request.routeOptions.url}`)) return true;
    throw new UnavailableError(
      'This replica is shutting down and takes no new jobs; retry shortly',
      RETRY_AFTER_SECONDS,
    );
  }
}
