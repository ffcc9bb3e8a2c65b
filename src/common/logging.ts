import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger as Pino } from 'pino';
import type { LogLevel } from '../config/env.schema.js';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** At most this long (ms) between a line being logged and it reaching stdout. */
const FLUSH_EVERY_MS = 1000;

/**
 * JSON logs to stdout, buffered and written asynchronously: in writes of 4 KiB, at least once a
 * second, and all of it when the process exits. A write per line cost the gallery's hot path a
 * third of its throughput. No line carries request headers (the request line below has the
 * method, URL, status and time only), so there is no redaction pass on every line either;
 * test/e2e/log-secrets checks that no secret, token or password reaches any line.
 */
export function createRootLogger(level: LogLevel): Pino {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const logger = pino(
    {
      level,
      base: { service: 'image-forge' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  destinations.add(destination);
  setInterval(() => logger.flush(), FLUSH_EVERY_MS).unref();
  return logger;
}

const destinations = new Set<ReturnType<typeof pino.destination>>();

/**
 * Writes out every buffered line now: before the process ends by a signal or a kill, which skip
 * the exit hook that would (see `GracefulShutdown`).
 */
export function flushLogsSync(): void {
  for (const destination of destinations) {
    try {
      destination.flushSync();
    } catch {
      // Not ready yet, or a write in flight: nothing more can be done this late.
    }
  }
}

/**
 * One line per request, when it is answered (Fastify's own request logging, off, writes two):
 * its id (`reqId`, as every line logged while serving it), method, URL, status and time taken.
 */
export function logRequests(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        req: { method: request.method, url: withoutSignature(request.url) },
        res: { statusCode: reply.statusCode },
        responseTime: reply.elapsedTime,
      },
      'request completed',
    );
    done();
  });
}

/**
 * A URL as logged: a signed content URL's signature is a capability, so the path stays and the
 * signature goes. (Done here, on the one line that logs URLs: pino's redaction with a censor
 * function cost every log line a clone of its object.)
 */
export function withoutSignature(url: string): string {
  return url.includes('signature=') ? url.replace(/([?&]signature=)[^&#]*/gi, '$1[redacted]') : url;
}

/** Keeps a caller's request id when it is sane (so ids follow a request across services). */
export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

type PinoLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Nest's logger interface over pino, so framework and app logs are the same JSON lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  readonly log = this.at('info');
  readonly error = this.at('error');
  readonly warn = this.at('warn');
  readonly debug = this.at('debug');
  readonly verbose = this.at('trace');
  readonly fatal = this.at('fatal');

  /** Nest's method for one level. */
  private at(level: PinoLevel): (message: unknown, ...rest: unknown[]) => void {
    return (message, ...rest) => this.write(level, message, rest);
  }

  /** Nest passes (message, ...params, context) or (object, message, context). */
  private write(level: PinoLevel, message: unknown, rest: unknown[]): void {
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    const extras = context ? rest.slice(0, -1) : rest;
    if (message !== null && typeof message === 'object' && !(message instanceof Error)) {
      const text = typeof extras[0] === 'string' ? extras[0] : undefined;
      this.pino[level]({ context, ...message }, text);
    } else if (message instanceof Error) {
      this.pino[level]({ context, err: message }, message.message);
    } else {
      const stack = level === 'error' && typeof extras[0] === 'string' ? extras[0] : undefined;
      this.pino[level]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }
}
