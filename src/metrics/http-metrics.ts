import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Metrics } from './metrics.js';

/** The route label of a request no route matched (404s, bad requests refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Methods kept as labels; anything else a client sends counts as `OTHER`. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Times every HTTP answer into `image_forge_http_request_duration_seconds`, from a Fastify
 * `onResponse` hook: labelled by the matched route's template (`/api/v1/images/:id`, never the
 * path asked for), the method and the status code.
 */
@Injectable()
export class HttpMetrics implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    const histogram = this.metrics.httpDuration;
    fastify.addHook('onResponse', (request, reply, done) => {
      histogram.observe(
        request.routeOptions.url ?? UNMATCHED_ROUTE,
        METHODS.has(request.method) ? request.method : 'OTHER',
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
