import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from './problem.dto.js';

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: `errors` names each field at fault',
  401: 'Missing, invalid or expired access token',
  403: 'Not allowed',
  404: "No such resource (or not yours: another user's private resource reads as missing)",
  409: 'Conflicts with the current state',
  413: 'Request body too large',
  415: 'Unsupported content type',
  416: 'Range not satisfiable',
  429: 'Too many active jobs or requests',
  503: 'A dependency is unavailable',
};

/** Documents problem+json error responses for the given statuses. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: PROBLEM_DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}

/** Documents that the route needs a bearer token (the global guard enforces it). */
export function ApiAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth('bearer'), ApiProblems(401));
}
