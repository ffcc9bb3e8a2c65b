import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export const API_PREFIX = 'api/v1';

/** The OpenAPI document, generated from the controllers and DTOs. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('image-forge')
    .setDescription(
      'Prompts in, images out: make prompts (curated random datasets, or your own text), draw them with an ' +
        'image provider, keep them in a public gallery and your own history.\n\n' +
        'Sign in with `POST /api/v1/auth/register` or `/login`, then send `Authorization: Bearer <accessToken>`. ' +
        'Errors are RFC 9457 problem details (`application/problem+json`). Lists page with an opaque `cursor`.',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  return SwaggerModule.createDocument(app, config);
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
