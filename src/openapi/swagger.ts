import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
} from '@nestjs/swagger';
import { API_KEY_SCHEME, describeCredentials } from '../auth/openapi-credentials.js';
import { declareEdgeProblems, headerRefs, RESPONSE_HEADERS } from '../common/api-docs.js';
import { ANONYMOUS_OPERATION } from './anonymous-operation.js';

export const API_PREFIX = 'api/v1';

/** The OpenAPI document, generated from the controllers and DTOs. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('image-forge')
    .setDescription(
      'Prompts in, images out: make prompts (curated random datasets, or your own text), draw them with an ' +
        'image provider, keep them in a public gallery and your own history.\n\n' +
        'Sign in with `POST /api/v1/auth/register` or `/login`, then send `Authorization: Bearer <accessToken>`; ' +
        'keep the session with `POST /api/v1/auth/refresh`. REST clients may use an API key instead. ' +
        'Errors are RFC 9457 problem details (`application/problem+json`). Lists page with an opaque `cursor`.',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    // Relative, so Swagger UI and clients talk to whichever host serves this document.
    .addServer('/', 'This server')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'The `accessToken` of `POST /api/v1/auth/register`, `/login` or `/refresh`: short-lived; ' +
          'it may do everything its account may.',
      },
      'bearer',
    )
    .addBearerAuth({ ...API_KEY_SCHEME }, 'apiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.info.contact = { name: 'image-forge maintainers' };
  document.tags = TAGS;
  document.components = { ...document.components, headers: RESPONSE_HEADERS };
  for (const operation of operations(document)) {
    const marked = operation as OperationObject & { [ANONYMOUS_OPERATION]?: boolean };
    if (marked[ANONYMOUS_OPERATION]) {
      operation.security = [];
      delete marked[ANONYMOUS_OPERATION];
    }
    // Every response carries `X-Request-Id` (see `createApp`).
    for (const response of Object.values(operation.responses)) {
      if (!response || '$ref' in response) continue;
      response.headers = { ...headerRefs('X-Request-Id'), ...response.headers };
    }
  }
  describeCredentials(document);
  declareEdgeProblems(document);
  return document;
}

/** Every operation's tag, described once, in the order Swagger UI shows them. */
const TAGS = [
  { name: 'auth', description: 'Accounts, sessions and API keys' },
  { name: 'generations', description: 'Make images: queue a job, follow it, cancel it' },
  { name: 'gallery', description: 'The public gallery, my images, their content and management' },
  { name: 'prompts', description: 'Prompts without images, and the curated datasets' },
  { name: 'providers', description: 'Image providers, their models, sizes and limits' },
  { name: 'schedules', description: 'Generation on cron schedules, exactly once per fire time' },
  { name: 'admin', description: 'Every account, image and generation, for admins' },
  { name: 'health', description: 'Liveness and readiness for orchestrators' },
];

function* operations(document: OpenAPIObject): Generator<OperationObject> {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (operation) yield operation;
    }
  }
}

/** Swagger UI at /docs (with the bearer button) and the JSON at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: 'image-forge API',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}
