import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiHeader,
  ApiProduces,
  ApiResponse,
  getSchemaPath,
  type HeaderObject,
  type OpenAPIObject,
  type ReferenceObject,
  type ResponseObject,
} from '@nestjs/swagger';
import { ProblemDto } from './problem.dto.js';

/**
 * Response headers the API sends, defined once under `components.headers` (see
 * `src/openapi/swagger.ts`) and referred to by the operations.
 */
export const RESPONSE_HEADERS = {
  'X-Request-Id': {
    description:
      'The request id: yours when you sent a sane one, else generated. Also in the logs.',
    schema: { type: 'string', example: '0192f3a4-7b1c-7d2e-8f90-1a2b3c4d5e6f' },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer', minimum: 0, example: 5 },
  },
  Location: {
    description: 'The URL of the resource the response is about.',
    schema: { type: 'string', example: '/api/v1/generations/0192f3a4-7b1c-7d2e-8f90-1a2b3c4d5e6f' },
  },
  'Idempotent-Replayed': {
    description:
      'Present (`true`) when the response replays the job of an earlier request with the same `Idempotency-Key`.',
    schema: { type: 'string', enum: ['true'] },
  },
  ETag: {
    description:
      'Strong entity tag of the body (an image: its hash; a page: a hash of its items and cursor, so equal pages carry equal tags); send it back in `If-None-Match`.',
    schema: {
      type: 'string',
      example: '"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"',
    },
  },
  'Cache-Control': {
    description:
      'Image bytes: `public, no-cache` or `private, no-cache`: caches may keep the bytes but revalidate them (a cheap ' +
      '304) before each reuse, so making an image private or deleting it takes effect at once. The public gallery: ' +
      '`public, max-age=0, s-maxage=1` (shared caches may keep a page as long as the server does); your own pages: ' +
      '`private, no-cache`.',
    schema: { type: 'string', example: 'public, no-cache' },
  },
  'Accept-Ranges': {
    description: 'Byte ranges are supported.',
    schema: { type: 'string', enum: ['bytes'] },
  },
  'Content-Length': {
    description: 'Size of the body in bytes.',
    schema: { type: 'integer', minimum: 0 },
  },
  'Content-Range': {
    description: 'The range sent (`bytes start-end/size`), or on a 416 the size (`bytes */size`).',
    schema: { type: 'string', example: 'bytes 0-1023/279040' },
  },
} satisfies Record<string, HeaderObject>;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

/** `$ref`s to the named response headers, for an `ApiResponse`'s `headers`. */
export function headerRefs(...names: ResponseHeaderName[]): Record<string, ReferenceObject> {
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: `errors` names each field at fault',
  401: 'Missing, invalid or expired access token',
  403: 'Not allowed',
  404: "No such resource (or not yours: another user's private resource reads as missing)",
  409: 'Conflicts with the current state',
  413: 'Request body too large',
  415: 'Unsupported content type',
  416: 'Range not satisfiable; `Content-Range` gives the size',
  429: 'Too many requests, generations in flight, or images today (the daily quota); `Retry-After` says when to try again',
  503: 'A dependency is unavailable; `Retry-After` says when to try again',
};

const PROBLEM_HEADERS: Record<number, ResponseHeaderName[]> = {
  416: ['Content-Range'],
  429: ['Retry-After'],
  503: ['Retry-After'],
};

/** The response object of a problem+json error with `status`. */
function problemResponse(status: number): ResponseObject {
  return {
    description: PROBLEM_DESCRIPTIONS[status] ?? 'Error',
    ...(PROBLEM_HEADERS[status] ? { headers: headerRefs(...PROBLEM_HEADERS[status]) } : {}),
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
  };
}

/** Documents problem+json error responses for the given statuses. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) => ApiResponse({ status, ...problemResponse(status) })),
  );
}

const WRITES = ['post', 'put', 'patch', 'delete'] as const;

/**
 * Declares, on every operation of `document`, the problems the HTTP edge answers whatever the
 * controller says, so that no route can forget one: 413 and 415 where the operation takes a body
 * (too large; not JSON), 401 where it checks credentials, 503 where it writes (a store that cannot
 * take writes: a full disk). Statuses an operation already declares are left as they are.
 */
export function declareEdgeProblems(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'head', ...WRITES] as const) {
      const operation = item[method];
      if (!operation) continue;
      const statuses = [
        ...(operation.requestBody ? [413, 415] : []),
        ...((operation.security ?? []).some((need) => Object.keys(need).length > 0) ? [401] : []),
        ...((WRITES as readonly string[]).includes(method) ? [503] : []),
      ];
      for (const status of statuses) {
        operation.responses[status] ??= {
          ...problemResponse(status),
          headers: { ...headerRefs('X-Request-Id'), ...problemResponse(status).headers },
        };
      }
    }
  }
}

/** Documents that the route needs a bearer token (the global guard enforces it). */
export function ApiAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth('bearer'), ApiProblems(401));
}

/**
 * Documents a blob route (image content or thumbnail): 200 with the bytes, 206 for a `Range`, 304
 * for a matching `If-None-Match`, 302 to a signed URL of the blob store (with `BLOB_SIGNED_URLS`),
 * 416 for an unsatisfiable range.
 */
export function ApiBlobResponses(mediaType: string, what: string): MethodDecorator {
  const binary = { [mediaType]: { schema: { type: 'string', format: 'binary' } } };
  const cached = headerRefs('ETag', 'Cache-Control', 'Accept-Ranges');
  return applyDecorators(
    ApiProduces(mediaType),
    ApiHeader({
      name: 'Range',
      required: false,
      description: 'One byte range, e.g. `bytes=0-1023` (answered 206) or `bytes=-500`.',
      schema: { type: 'string', example: 'bytes=0-1023' },
    }),
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'The `ETag` you hold; a match is answered 304 without the bytes.',
      schema: { type: 'string' },
    }),
    ApiResponse({
      status: 200,
      description: what,
      headers: { ...cached, ...headerRefs('Content-Length') },
      content: binary,
    }),
    ApiResponse({
      status: 206,
      description: `The requested range of the ${what.toLowerCase()}`,
      headers: { ...cached, ...headerRefs('Content-Range', 'Content-Length') },
      content: binary,
    }),
    ApiResponse({
      status: 302,
      description:
        'With BLOB_SIGNED_URLS: a short-lived signed URL of the blob store to fetch the bytes from',
      headers: headerRefs('Location'),
    }),
    ApiResponse({
      status: 304,
      description: 'Not modified: your copy (its `ETag` sent in `If-None-Match`) is current',
      headers: cached,
    }),
    ApiProblems(400, 403, 404, 416),
  );
}

/**
 * A JSON list served from the page cache: 200 with `type`, or 304 to a matching `If-None-Match`,
 * both with `ETag` and `Cache-Control`.
 */
export function ApiPageResponses(type: Type<unknown>): MethodDecorator {
  const cached = headerRefs('ETag', 'Cache-Control');
  return applyDecorators(
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'The `ETag` of the page you hold; a match is answered 304 without the page.',
      schema: { type: 'string', maxLength: 1024 },
    }),
    ApiResponse({ status: 200, description: 'The page', headers: cached, type }),
    ApiResponse({
      status: 304,
      description: 'Not modified: your copy (its `ETag` sent in `If-None-Match`) is current',
      headers: cached,
    }),
  );
}
