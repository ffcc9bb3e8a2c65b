import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import {
  createRootLogger,
  PinoNestLogger,
  REQUEST_ID_HEADER,
  requestIdFor,
} from './common/logging.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/app-config.js';
import { API_PREFIX, setupSwagger } from './openapi/swagger.js';

/**
 * Builds the whole app on Fastify, initialised and ready to listen: used by `main.ts`, the tests,
 * the spec writer and the benchmark alike, so they all run the same thing.
 */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createRootLogger(config.logLevel);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.server.bodyLimit,
    trustProxy: config.server.trustProxy,
    genReqId: requestIdFor,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
    // Let boot failures reach the caller (main logs them and exits; tests see them).
    abortOnError: false,
    // The JSON parser is ours (below): Nest's would refuse an empty JSON body.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
  });
  // The API speaks JSON only: a text body is a 415, not a string that fails validation later.
  fastify.removeContentTypeParser('text/plain');
  // An empty body sent as JSON (Swagger UI and many clients set the type anyway) means no body,
  // as it does without the header: `POST /generations` with nothing is "surprise me".
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, text, done);
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  setupSwagger(app);
  await app.init();
  await fastify.ready();
  return app;
}
