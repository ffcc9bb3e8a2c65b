import { STATUS_CODES } from 'node:http';
import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  QuotaExceededError,
  RangeNotSatisfiableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
  type FieldError,
} from './errors.js';
import { instanceOf } from './http-edge.js';
import type { ProblemDto } from './problem.dto.js';

const STATUS_BY_ERROR = new Map<abstract new (...args: never[]) => DomainError, number>([
  [ValidationError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [RangeNotSatisfiableError, 416],
  [QuotaExceededError, 429],
  [TooManyRequestsError, 429],
  [UnavailableError, 503],
]);

/** Errors raised by Fastify before Nest's pipeline (body parsing) carry a 4xx `statusCode`. */
const FASTIFY_FIELD_BY_CODE: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'content-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'content-length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'body',
};

/** The one place that turns any error into RFC 9457 problem details. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = this.toProblem(exception);
    const body: ProblemDto = {
      type: `urn:image-forge:problem:${problem.code}`,
      title: STATUS_CODES[problem.status] ?? 'Error',
      status: problem.status,
      detail: problem.detail,
      instance: instanceOf(request.url),
      code: problem.code,
      requestId: String(request.id),
      ...(problem.errors.length > 0 ? { errors: [...problem.errors] } : {}),
    };
    if (problem.status >= 500) {
      this.logger.error({ err: exception, requestId: request.id }, 'request failed');
    }
    if (exception instanceof RangeNotSatisfiableError) {
      void reply.header('content-range', `bytes */${exception.size}`);
    }
    if (
      exception instanceof QuotaExceededError ||
      exception instanceof TooManyRequestsError ||
      exception instanceof UnavailableError
    ) {
      void reply.header('retry-after', String(exception.retryAfterSeconds));
    }
    if (reply.sent) return;
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(body);
  }

  private toProblem(exception: unknown): {
    status: number;
    code: string;
    detail: string;
    errors: readonly FieldError[];
  } {
    if (exception instanceof DomainError) {
      const status = [...STATUS_BY_ERROR].find(([type]) => exception instanceof type)?.[1] ?? 500;
      return { status, code: exception.code, detail: exception.message, errors: exception.errors };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const field = fieldForHttpError(exception);
      const detail = httpDetail(exception);
      return {
        status,
        code: slug(STATUS_CODES[status] ?? 'error'),
        detail,
        errors: field ? [{ field, message: detail }] : [],
      };
    }
    const fastifyError = exception as { statusCode?: unknown; code?: unknown; message?: unknown };
    if (
      typeof fastifyError?.statusCode === 'number' &&
      fastifyError.statusCode >= 400 &&
      fastifyError.statusCode < 500
    ) {
      const status = fastifyError.statusCode;
      const field = FASTIFY_FIELD_BY_CODE[String(fastifyError.code)];
      const detail = String(fastifyError.message);
      return {
        status,
        code: slug(STATUS_CODES[status] ?? 'error'),
        detail,
        errors: field ? [{ field, message: detail }] : [],
      };
    }
    return {
      status: 500,
      code: 'internal-error',
      detail: 'An unexpected error occurred; it has been logged.',
      errors: [],
    };
  }
}

function httpDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/** Body-parser failures surface as plain 4xx HttpExceptions; name the body as the field. */
function fieldForHttpError(exception: HttpException): string | undefined {
  const status = exception.getStatus();
  if (status === 413) return 'body';
  if (status === 415) return 'content-type';
  if (status === 400 && /json/i.test(httpDetail(exception))) return 'body';
  return undefined;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
