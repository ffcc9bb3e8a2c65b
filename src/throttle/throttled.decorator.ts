import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiProblems } from '../common/api-docs.js';
import type { ThrottledRoute } from '../config/config-slices.js';

export const THROTTLED_ROUTE = 'image-forge:throttled-route';

/**
 * Counts the route's requests per client IP and per account e-mail against the limits configured
 * for `route` (THROTTLE_*); over a limit it answers 429 with `Retry-After`, which the spec shows.
 */
export const Throttled = (route: ThrottledRoute): MethodDecorator =>
  applyDecorators(SetMetadata(THROTTLED_ROUTE, route), ApiProblems(429));
