import { Injectable, type OnModuleInit } from '@nestjs/common';
import { FrontDoor } from '../common/front-door.js';
import { Metrics } from './metrics.js';

/** The route label of a request no route matched (404s, bad requests refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Methods kept as labels; anything else a client sends counts as `OTHER`. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Times every HTTP answer into `image_forge_http_request_duration_seconds`, as the `FrontDoor`
 * reports it (the app's answers and its own): labelled by the matched route's template
 * (`/api/v1/images/:id`, never the path asked for), the method and the status code.
 */
@Injectable()
export class HttpMetrics implements OnModuleInit {
  constructor(
    private readonly frontDoor: FrontDoor,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    const histogram = this.metrics.httpDuration;
    this.frontDoor.observe(({ route, method, statusCode, elapsedMs }) => {
      histogram.observe(
        route ?? UNMATCHED_ROUTE,
        METHODS.has(method) ? method : 'OTHER',
        statusCode,
        elapsedMs / 1000,
      );
    });
  }
}
