import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ProblemDto } from '../common/problem.dto.js';

/**
 * `web/dist`, from `src/web/` (tests), `dist/web/` (tsc's output) and `dist/bundle/` (the built
 * service, scripts/bundle.mjs) alike: each is two folders below the repository.
 */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Paths that belong to the service: never answered with the dashboard, even when unknown. */
const SERVICE_PATHS = /^\/(api|docs|health|metrics)(\/|-|$)/;

/**
 * The built dashboard. Vite names its assets by content hash, so they are cached for a year; the
 * page itself is revalidated on every load so a new build shows at once.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  // No inline script or style in the build; images may come from a blob store's signed URL.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src * data: blob:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
};

/**
 * Serves the dashboard (`web/dist`) at `/`: hashed assets under `/assets/`, and `index.html` for
 * `/` and every deep link (`/images/{id}`, `/me`...). Unknown `/api`, `/docs` and `/health` paths go
 * on to the service's own problem+json 404. Registered on Fastify directly: Nest's router knows
 * nothing of it, and the app boots whether or not the dashboard has been built.
 */
@Injectable()
export class DashboardServer implements OnModuleInit {
  private readonly logger = new Logger('Dashboard');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    if (!existsSync(join(DASHBOARD_DIR, 'index.html'))) {
      this.logger.warn(`The dashboard is not built (${DASHBOARD_DIR}): run \`npm run build\``);
    }
    registerDashboard(this.adapterHost.httpAdapter.getInstance<FastifyInstance>(), DASHBOARD_DIR);
  }
}

/** The routes of the dashboard in `dir` (a Vite build), on a Fastify instance not yet ready. */
export function registerDashboard(fastify: FastifyInstance, dir: string): void {
  void fastify.register(async (instance) => {
    await instance.register(fastifyStatic, {
      root: join(dir, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      // The build writes .br and .gz beside each asset.
      preCompressed: true,
      cacheControl: true,
      maxAge: '365d',
      immutable: true,
      suppressWarning: true,
    } as Parameters<typeof fastifyStatic>[1]);
    const page = (request: FastifyRequest, reply: FastifyReply) => sendPage(dir, request, reply);
    instance.get('/', page);
    instance.get('/*', page);
  });
}

async function sendPage(dir: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const path = request.url.split('?')[0];
  // A service path or a missing file (`/favicon.ico`) is a 404 like any other, not the page.
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  if (SERVICE_PATHS.test(path) || (lastSegment.includes('.') && lastSegment !== 'index.html')) {
    reply.callNotFound();
    return;
  }
  let html: Buffer;
  try {
    html = await readFile(join(dir, 'index.html'));
  } catch {
    // Shaped like every other problem of the service (see ProblemDetailsFilter).
    await reply
      .status(503)
      .header('content-type', 'application/problem+json')
      .header('cache-control', 'no-store')
      .send({
        type: 'urn:image-forge:problem:dashboard-not-built',
        title: 'Service Unavailable',
        status: 503,
        detail:
          'The dashboard is not built: run `npm run build` (or `npm run build -w web`), then ' +
          'reload. The API is at /api/v1 and Swagger UI at /docs.',
        instance: path,
        code: 'dashboard-not-built',
        requestId: String(request.id),
      } satisfies ProblemDto);
    return;
  }
  await reply.headers(PAGE_HEADERS).send(html);
}
