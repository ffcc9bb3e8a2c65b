import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiSecurity } from '@nestjs/swagger';
import { ANONYMOUS_OPERATION } from '../openapi/anonymous-operation.js';
import { ApiProblems } from '../common/api-docs.js';

export const IS_PUBLIC = 'image-forge:public';

/** How a route that opts out of the global guard treats credentials. */
export type PublicAccess = 'anonymous' | 'optional';

/**
 * Opts a route out of the global auth guard: anyone may call it, and any credentials sent are
 * ignored (the spec says `security: []`, so generated clients send none).
 */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata<string, PublicAccess>(IS_PUBLIC, 'anonymous'),
    // Becomes `security: []` (Nest's explorer drops an empty list set on a method).
    ApiExtension(ANONYMOUS_OPERATION, true),
  );

/**
 * Anyone may call the route, and a bearer token, when sent, is verified (a bad one is a 401), so
 * the route can show the caller's own private objects too. The spec says
 * `security: [{}, {bearer: []}]`, which makes generated clients and Swagger UI send the token.
 */
export const OptionalAuth = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata<string, PublicAccess>(IS_PUBLIC, 'optional'),
    ApiSecurity({}),
    ApiBearerAuth('bearer'),
    ApiProblems(401),
  );
