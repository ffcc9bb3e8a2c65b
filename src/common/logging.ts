import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import type { FastifyBaseLogger } from 'fastify';
import {
  pino,
  type Bindings,
  type ChildLoggerOptions,
  type DestinationStream,
  type Logger as Pino,
} from 'pino';
import type { LogLevel } from '../config/env.schema.js';
import type { AnswerObserver } from './front-door.js';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** At most this long (ms) between a line being logged and it reaching stdout. */
const FLUSH_EVERY_MS = 1000;

/**
 * Lines go to the destination in batches of about this many bytes (a line more at most), and it
 * writes up to a batch in one call. It writes one chunk at a time, the next when the last is
 * done: with 16 KiB chunks, a busy event loop let a megabyte or two pile up while the gallery was
 * under load on a shared core; 64 KiB chunks drain four times as fast.
 */
const BATCH_BYTES = 65_536;
/**
 * The most the destination merges into one write: a batch and the line that took it past
 * `BATCH_BYTES` (a bigger batch, made by a huge line, is written alone).
 */
const MAX_WRITE = BATCH_BYTES + 16_384;

/**
 * At most this many bytes of log lines wait in memory for stdout. Where stdout stalls (a log
 * collector that stops reading, a slow disk), lines pile up at the rate they are logged, about
 * 10 MB a second for the gallery under load, until the process runs out of memory. Past this,
 * lines are dropped, counted (`image_forge_log_lines_dropped_total`) and reported in a warning
 * once stdout takes lines again.
 */
export const MAX_PENDING_LOG_BYTES = 32 * 1024 * 1024;

/** sonic-boom in `contentMode: 'buffer'`: it takes bytes (its types say strings). */
interface Destination {
  write(chunk: Buffer): void;
  flush?: (done?: () => void) => void;
  flushSync?: () => void;
  readonly fd?: number;
}

/**
 * pino's destination behind a batch of whole lines, handed on as bytes. sonic-boom measures the
 * UTF-8 length of its pending buffer on every write (flattening a string of up to 16 KiB each
 * time): that cost the gallery's hot path about 7 µs a line, a fifth of its throughput. Handed a
 * batch at a time, it does that once a batch.
 *
 * The lines wait as strings and are encoded together, one `Buffer.from` a batch. Encoding each
 * line into a batch buffer as it came (`Buffer#write`, a call into C++ per line, and a fresh 80 KiB
 * buffer per batch) cost more: in paired runs of the thumbnail route (both processes on one core,
 * loaded at once), the request line cost 6.8-7.4 µs a request written that way, 3.8-4.2 µs kept
 * as strings. A batch (some 220 lines) filled in 9 ms at 25k requests a second, while the young
 * generation was collected every 46 ms: most lines are never copied by a collection.
 */
class BatchedDestination implements DestinationStream {
  private lines: string[] = [];
  /** UTF-16 units in `lines`: the batch's size in bytes where the lines are ASCII (most are). */
  private units = 0;

  constructor(private readonly target: Destination) {}

  write(line: string): void {
    this.lines.push(line);
    this.units += line.length;
    if (this.units >= BATCH_BYTES) this.drain();
  }

  flush(done?: () => void): void {
    this.drain();
    if (this.target.flush) this.target.flush(done);
    else done?.();
  }

  /**
   * Everything now, before the process ends: the destination's own buffer, then the lines held
   * here, written synchronously to its file descriptor (handed over as a batch, they would start
   * an asynchronous write that a kill right after could cut off).
   */
  flushSync(): void {
    this.target.flushSync?.();
    const batch = this.take();
    if (batch === undefined) return;
    if (typeof this.target.fd === 'number') writeSync(this.target.fd, batch);
    else this.target.write(batch);
  }

  private drain(): void {
    const batch = this.take();
    if (batch !== undefined) this.target.write(batch);
  }

  /** The batch so far, encoded; a new one starts. */
  private take(): Buffer | undefined {
    if (this.lines.length === 0) return undefined;
    const batch = Buffer.from(this.lines.join(''), 'utf8');
    this.lines = [];
    this.units = 0;
    return batch;
  }
}

/** Where the root logger writes: stdout, unless a test says otherwise. */
export interface LogOutput {
  readonly fd: number;
  readonly maxPendingBytes: number;
}

/**
 * JSON logs to stdout, batched and written asynchronously: in batches of 64 KiB, at least once a
 * second, and all of it when the process exits (`flushLogsSync`); at most `MAX_PENDING_LOG_BYTES`
 * waiting. No line carries request headers (the request line below has the method, URL, status
 * and time only), so there is no redaction pass on every line either; test/e2e/log-secrets checks
 * that no secret, token or password reaches any line.
 */
export function createRootLogger(
  level: LogLevel,
  { fd, maxPendingBytes }: LogOutput = { fd: 1, maxPendingBytes: MAX_PENDING_LOG_BYTES },
): Pino {
  const sink = pino.destination({
    dest: fd,
    sync: false,
    maxWrite: MAX_WRITE,
    maxLength: maxPendingBytes,
    // Batches are bytes (`BatchedDestination`).
    contentMode: 'buffer',
  });
  const drops = new DroppedLines();
  sink.on('drop', (batch: Buffer) => drops.add(batch));
  const destination = new BatchedDestination(sink as unknown as Destination);
  const logger = pino(
    {
      level,
      base: { service: 'image-forge' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  if (destinations.size === 0) process.on('exit', flushLogsSync);
  destinations.add(destination);
  setInterval(() => {
    drops.report(logger);
    logger.flush();
  }, FLUSH_EVERY_MS).unref();
  return logger;
}

const destinations = new Set<BatchedDestination>();

let droppedInProcess = 0;

/** Log lines this process dropped because its output did not keep up (see `MAX_PENDING_LOG_BYTES`). */
export function droppedLogLines(): number {
  return droppedInProcess;
}

const NEWLINE = 0x0a;

/** Lines one logger dropped, reported (as a warning) at most once a flush. */
class DroppedLines {
  private unreported = 0;

  add(batch: Buffer): void {
    let lines = 0;
    for (let at = batch.indexOf(NEWLINE); at !== -1; at = batch.indexOf(NEWLINE, at + 1)) lines++;
    this.unreported += lines;
    droppedInProcess += lines;
  }

  /** The warning goes the way of any line: while the output still stalls, it is dropped too. */
  report(logger: Pino): void {
    if (this.unreported === 0) return;
    const droppedLines = this.unreported;
    this.unreported = 0;
    logger.warn({ droppedLines }, 'log lines dropped: the log output did not keep up');
  }
}

/**
 * Writes out every buffered line now: on exit, and before the process ends by a signal or a kill,
 * which skip the exit hook (see `GracefulShutdown`).
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

/** What the request line says of a request, beside its id. */
export interface RequestLine {
  readonly method: string;
  readonly url: string;
  readonly statusCode: number;
  /** Milliseconds from the request's arrival to its answer. */
  readonly responseTime: number;
}

/**
 * Formats the request line exactly as `logger.child({ reqId }).info({ req, res, responseTime },
 * 'request completed')` would (logging.spec checks it), written straight to `logger`'s
 * destination: pino's general path (a child logger's bindings, a walk over the object, a
 * stringify per nested value) cost the hot path several times this. The timestamp is formatted
 * once per millisecond.
 */
export function requestLineWriter(logger: Pino): (reqId: string, line: RequestLine) => void {
  const stream = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym];
  const level = logger.levels.values.info;
  const bindings = JSON.stringify(logger.bindings()).slice(1, -1);
  const after = `${bindings ? `,${bindings}` : ''},"reqId":`;
  // The parts that repeat, each made once: up to the request id (per millisecond), the method's
  // and the status code's (from small sets: Node's parser knows some 30 methods).
  let prefixMs = 0;
  let prefix = '';
  const methods = new Map<string, string>();
  const statuses = new Map<number, string>();
  return (reqId, { method, url, statusCode, responseTime }) => {
    const now = Date.now();
    if (now !== prefixMs) {
      prefixMs = now;
      prefix = `{"level":${level},"time":"${new Date(now).toISOString()}"${after}`;
    }
    let methodPart = methods.get(method);
    if (methodPart === undefined) {
      methodPart = `,"req":{"method":${jsonString(method)},"url":`;
      if (methods.size < 64) methods.set(method, methodPart);
    }
    let statusPart = statuses.get(statusCode);
    if (statusPart === undefined) {
      statusPart = `},"res":{"statusCode":${statusCode}},"responseTime":`;
      statuses.set(statusCode, statusPart);
    }
    stream.write(
      `${prefix}${jsonString(reqId)}${methodPart}${jsonString(url)}${statusPart}${responseTime},"msg":"request completed"}\n`,
    );
  };
}

/** Printable ASCII but `"` and `\`: a string of these is its own JSON, between quotes. */
const PLAIN_JSON = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * `JSON.stringify(value)` for a string, without its cost where nothing needs escaping (request
 * ids, methods and most URLs): three `JSON.stringify` calls were most of the request line's cost.
 */
function jsonString(value: string): string {
  return PLAIN_JSON.test(value) ? `"${value}"` : JSON.stringify(value);
}

/**
 * One line per request, when it is answered (Fastify's own request logging, off, writes two):
 * its id (`reqId`, as every line logged while serving it), method, URL, status and time taken;
 * an observer of the `FrontDoor`, which sees every answer, the app's and its own. At `info` and
 * below, asked on every request: the level can change while the service runs (`LogLevels`).
 */
export function requestLog(logger: Pino): AnswerObserver {
  const write = requestLineWriter(logger);
  return ({ id, method, url, statusCode, elapsedMs }) => {
    if (!logger.isLevelEnabled('info')) return;
    const responseTime = toMicroseconds(elapsedMs);
    write(id, { method, url: withoutSignature(url), statusCode, responseTime });
  };
}

/**
 * Milliseconds to the microsecond, as the line prints them: a clock's difference is a double of
 * 17 significant digits (`0.014936999999918044`), whose shortest text V8 finds on a slow path
 * (~0.4 µs a line in a loop; in the service, the line's cost fell from 4.7 to 3.5 µs of CPU a
 * request without it); to the microsecond, it takes the fast one (`0.015`), and the line is
 * shorter and no less useful.
 */
function toMicroseconds(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * A URL as logged: a signed content URL's signature is a capability, so the path stays and the
 * signature goes. (Done here, on the one line that logs URLs: pino's redaction with a censor
 * function cost every log line a clone of its object.)
 */
export function withoutSignature(url: string): string {
  return url.includes('signature=') ? url.replace(/([?&]signature=)[^&#]*/gi, '$1[redacted]') : url;
}

/**
 * Fastify's `childLoggerFactory`: each request's logger (`request.log`, bound to its id) is made
 * the first time something logs through it. Fastify makes one for every request, and a pino child
 * (its bindings serialised) cost the gallery's hot path about 1.5% of its time, for a logger that
 * almost no request uses: our request line is written by `logRequests`, and app code logs through
 * Nest's logger.
 */
export function lazyChildLogger(
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyChildLogger(parent, bindings, options);
}

/** Any of pino's call shapes: (object, message?, ...values) or (message, ...values). */
type LogArgs = [unknown, string?, ...unknown[]];

/** A child of `parent`, made when first used; until then its level is its parent's. */
export class LazyChildLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get level(): string {
    return this.made?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  fatal(...args: LogArgs): void {
    this.logger.fatal(...args);
  }
  error(...args: LogArgs): void {
    this.logger.error(...args);
  }
  warn(...args: LogArgs): void {
    this.logger.warn(...args);
  }
  info(...args: LogArgs): void {
    this.logger.info(...args);
  }
  debug(...args: LogArgs): void {
    this.logger.debug(...args);
  }
  trace(...args: LogArgs): void {
    this.logger.trace(...args);
  }
  silent(...args: LogArgs): void {
    this.logger.silent(...args);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }

  private get logger(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }
}

/**
 * The root logger's level while the service runs. `LOG_LEVEL` sets it at start; an admin can
 * change it on one replica (`PUT /admin/log-level`), to `debug` while looking into a problem, say,
 * and back; a restart returns to `LOG_LEVEL`. Every logger follows at once: Nest's
 * (`PinoNestLogger`, on the root), each request's (`LazyChildLogger`, made from the root when
 * first used) and the request line (`logRequests`, which asks on every request). Nothing here
 * keeps a child of the root, whose level would stay as it was.
 */
export class LogLevels {
  constructor(
    private readonly root: Pino,
    /** `LOG_LEVEL`: what the service started at, and starts at again. */
    readonly configured: LogLevel,
  ) {}

  get current(): LogLevel {
    return this.root.level as LogLevel;
  }

  /**
   * Sets the level, and says so at `warn` (with who asked): before the change where the new level
   * hides warnings, after it where the old one did, once where both show them.
   */
  set(level: LogLevel, by: string): void {
    const from = this.current;
    const say = () =>
      this.root.warn({ context: 'LogLevels', from, to: level, by }, 'log level changed');
    const shownBefore = this.root.isLevelEnabled('warn');
    if (shownBefore) say();
    this.root.level = level;
    if (!shownBefore && this.root.isLevelEnabled('warn')) say();
  }
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
