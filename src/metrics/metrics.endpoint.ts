import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { instanceOf, problemBody } from '../common/http-edge.js';
import { MetricsConfig } from '../config/config-slices.js';
import { Metrics } from './metrics.js';

export const METRICS_PATH = '/metrics';

/**
 * `GET /metrics`, Prometheus' text format, for operators: outside `/api/v1` and the OpenAPI spec
 * (as Prometheus convention has it), registered on Fastify directly. Only with METRICS_TOKEN set,
 * and then only for `Authorization: Bearer <METRICS_TOKEN>`; unset, the route does not exist and
 * the path answers the app's usual 404, so nothing leaks by default.
 */
@Injectable()
export class MetricsEndpoint implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: Metrics,
    private readonly config: MetricsConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    const token = this.config.token;
    if (!fastify || !token) return;
    const expected = digest(token);
    fastify.get(METRICS_PATH, async (request, reply) => {
      if (!timingSafeEqual(digest(bearerToken(request)), expected)) {
        return unauthorized(request, reply);
      }
      const body = await this.metrics.exposition();
      return reply
        .header('content-type', this.metrics.contentType)
        .header('cache-control', 'no-store')
        .send(body);
    });
  }
}

/** Compared as digests: equal lengths for `timingSafeEqual`, whatever the client sent. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function bearerToken(request: FastifyRequest): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1] ?? '';
}

/** Problem details, as for any other 401, naming the header at fault. */
function unauthorized(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const detail = 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>';
  return reply
    .status(401)
    .header('www-authenticate', 'Bearer realm="metrics"')
    .header('content-type', 'application/problem+json')
    .send(problemBody(401, detail, instanceOf(request.url), String(request.id), 'authorization'));
}
