import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import { NestFactory } from '@nestjs/core';
import { LogController } from 'fastify';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { FrontDoor } from './common/front-door.js';
import {
  createRootLogger,
  lazyChildLogger,
  LogLevels,
  requestLog,
  type LogOutput,
  PinoNestLogger,
  REQUEST_ID_HEADER,
  requestIdFor,
} from './common/logging.js';
import {
  clientErrorHandler,
  frameworkErrors,
  MAX_PARAM_LENGTH,
  registerJsonParser,
} from './common/http-edge.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { lazySchemaCompilers } from './common/schema-compilers.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/app-config.js';
import { API_PREFIX, setupSwagger } from './openapi/swagger.js';

/**
 * Content-Security-Policy of the pages but the dashboard's (which sends its own, stricter one):
 * Swagger UI's page needs its inline styles; images may come from a blob store's signed URL.
 */
const DOCUMENT_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'https:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Paths whose answers are data (JSON, image bytes, metrics), never a page. */
const RESOURCE_PATH = /^\/(?:api|health|metrics)(?:[/?]|$)/;

/**
 * The security headers of data (the API's JSON and image bytes, health, metrics): what applies to
 * a response that is not a page. A browser that opens one directly still gets nothing to run
 * (`default-src 'none'` and `sandbox`; inline styles only, for its own image viewer, as GitHub's
 * raw files do), nothing that frames it, no MIME sniffing, HTTPS only, no referrer; any origin may
 * embed the images (`cross-origin-resource-policy`). helmet's other headers (COOP,
 * Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies, X-XSS-Protection) act on documents only; the pages (Swagger
 * UI, the dashboard) keep them. Fewer headers are less for Node to validate and write on every
 * answer (with `HttpDurations`, thumbnails a second went up by a fifth in an A/B on one machine).
 */
const RESOURCE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox",
  'cross-origin-resource-policy': 'cross-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/**
 * CORS for the configured origins only, matched exactly: a listed origin gets itself back in
 * `Access-Control-Allow-Origin`; any other request gets no CORS header at all (so no arbitrary
 * origin is ever reflected, nor told it may send credentials). With the headers a browser client
 * must be able to send and read.
 */
function corsOptions(cors: AppConfig['cors']) {
  const allowed = new Set(cors.origins);
  return {
    origin: (origin: string | undefined, allow: (error: null, origin: string | false) => void) =>
      allow(null, origin !== undefined && allowed.has(origin) ? origin : false),
    credentials: cors.credentials,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'Idempotency-Key',
      'If-None-Match',
      'Range',
      REQUEST_ID_HEADER,
    ],
    exposedHeaders: [
      REQUEST_ID_HEADER,
      'Location',
      'Retry-After',
      'ETag',
      'Idempotent-Replayed',
      'Content-Range',
    ],
    maxAge: 600,
  };
}

/**
 * helmet's security headers for `options`, computed once: they are the same on every response
 * (no per-request nonces), and building them per request (as @fastify/helmet does) cost the
 * gallery's hot path a fifth of its time.
 */
function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(options)(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error instanceof Error ? error : new Error('helmet refused its options');
    },
  );
  return headers;
}

/**
 * Builds the whole app on Fastify, initialised and ready to listen: used by `server.ts`, the tests,
 * the spec writer and the benchmark alike, so they all run the same thing.
 */
export async function createApp(
  config: AppConfig,
  /** Where its log lines go: stdout unless given (the tests keep theirs in a file). */
  { logOutput }: { logOutput?: LogOutput } = {},
): Promise<NestFastifyApplication> {
  const logger = createRootLogger(config.logLevel, logOutput);
  const frontDoor = new FrontDoor({
    headers: RESOURCE_HEADERS,
    cors: config.cors.origins.length > 0,
    onObserverError: (error) => logger.error({ err: error }, 'recording an answer failed'),
  });
  const adapter = new FastifyAdapter({
    serverFactory: frontDoor.serverFactory,
    loggerInstance: logger,
    // Fastify's two lines per request, off: `requestLog` writes one.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: config.server.bodyLimit,
    trustProxy: config.server.trustProxy,
    genReqId: requestIdFor,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
    schemaController: lazySchemaCompilers(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, new LogLevels(logger, config.logLevel), frontDoor),
    adapter,
    {
      logger: new PinoNestLogger(logger),
      // Let boot failures reach the caller (main logs them and exits; tests see them).
      abortOnError: false,
      // The JSON parser is ours (below): Nest's would refuse an empty JSON body.
      bodyParser: false,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  const documents = securityHeaders({
    contentSecurityPolicy: { directives: DOCUMENT_CSP },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply
      .headers(RESOURCE_PATH.test(request.url) ? RESOURCE_HEADERS : documents)
      .header(REQUEST_ID_HEADER, request.id);
    done();
  });
  frontDoor.attach(fastify);
  frontDoor.observe(requestLog(logger));
  // The API speaks JSON only: a text body is a 415, not a string that fails validation later.
  fastify.removeContentTypeParser('text/plain');
  registerJsonParser(fastify);
  // No origin configured: no CORS at all, not even an answer to preflights.
  if (config.cors.origins.length > 0) app.enableCors(corsOptions(config.cors));
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  setupSwagger(app);
  await app.init();
  await fastify.ready();
  return app;
}
