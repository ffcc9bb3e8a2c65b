import { execFileSync } from 'node:child_process';
import { constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { FrontDoor } from './front-door.js';
import {
  createRootLogger,
  droppedLogLines,
  LazyChildLogger,
  LogLevels,
  requestLog,
  requestLineWriter,
  withoutSignature,
} from './logging.js';

/** A logger like the root one, writing its lines into `lines`. */
function capturing(level = 'info'): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino(
    { level, base: { service: 'image-forge' }, timestamp: pino.stdTimeFunctions.isoTime },
    stream,
  );
  return { logger, lines };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('requestLineWriter', () => {
  it.each([
    ['a plain page', 'req-1', 'GET', '/api/v1/images?limit=20', 200, 0.3456789],
    ['an escaped path', 'req-"1"', 'POST', '/api/v1/x?q="quoted"\\back\u2028&é', 404, 12],
    ['control characters', 'a\tb', 'GET', '/x\u0001\u001f\u007f/y', 400, 0.5],
    ['a lone surrogate', '\ud800', 'GET', '/\udfff', 400, 0.5],
    ['a slow error', 'e6b1c1a2-0000-4000-8000-0000', 'DELETE', '/api/v1/images/01a2', 503, 1234.5],
  ])('writes %s as pino would', async (_case, reqId, method, url, statusCode, responseTime) => {
    const mine = capturing();
    const theirs = capturing();
    requestLineWriter(mine.logger)(reqId, { method, url, statusCode, responseTime });
    theirs.logger
      .child({ reqId })
      .info({ req: { method, url }, res: { statusCode }, responseTime }, 'request completed');
    await settle();
    expect(mine.lines).toHaveLength(1);
    const parse = (line: string) => {
      const { time, ...rest } = JSON.parse(line) as Record<string, unknown>;
      expect(new Date(time as string).toISOString()).toBe(time);
      return rest;
    };
    const ours = parse(mine.lines[0]);
    // Same fields, same values, same order: the same text but for the time.
    expect(Object.keys(ours)).toEqual(Object.keys(parse(theirs.lines[0])));
    expect(ours).toEqual(parse(theirs.lines[0]));
    const untimed = (line: string) => line.replace(/"time":"[^"]*"/, '"time":""');
    expect(untimed(mine.lines[0])).toBe(untimed(theirs.lines[0]));
  });

  it('stamps each line with the time it was written', async () => {
    const { logger, lines } = capturing();
    const write = requestLineWriter(logger);
    const before = Date.now();
    write('a', { method: 'GET', url: '/', statusCode: 200, responseTime: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    write('b', { method: 'GET', url: '/', statusCode: 200, responseTime: 1 });
    await settle();
    const [first, second] = lines.map((line) =>
      Date.parse((JSON.parse(line) as { time: string }).time),
    );
    expect(first).toBeGreaterThanOrEqual(before);
    expect(second).toBeGreaterThanOrEqual(first + 4);
  });
});

describe('requestLog', () => {
  it("writes an answer's line: its time to the microsecond, a signature redacted", async () => {
    const { logger, lines } = capturing();
    const log = requestLog(logger);
    const answered = { id: 'r1', method: 'GET', route: undefined, statusCode: 200 };
    log({ ...answered, url: '/api/v1/images?limit=20', elapsedMs: 0.014936999999918044 });
    log({ ...answered, url: '/c?expires=9&signature=abc', elapsedMs: 1234.5675001 });
    log({ ...answered, url: '/', elapsedMs: 2 });
    await settle();
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        reqId: 'r1',
        req: { method: 'GET', url: '/api/v1/images?limit=20' },
      }),
      expect.objectContaining({ req: { method: 'GET', url: '/c?expires=9&signature=[redacted]' } }),
      expect.objectContaining({ res: { statusCode: 200 } }),
    ]);
    expect(lines.map((line) => /"responseTime":([^,]*),/.exec(line)?.[1])).toEqual([
      '0.015',
      '1234.568',
      '2',
    ]);
  });
});

describe('withoutSignature', () => {
  it('keeps the path and drops only the signature', () => {
    expect(withoutSignature('/api/v1/images/1/content?expires=9&signature=abc&x=1')).toBe(
      '/api/v1/images/1/content?expires=9&signature=[redacted]&x=1',
    );
    expect(withoutSignature('/api/v1/images?limit=20')).toBe('/api/v1/images?limit=20');
  });
});

describe('createRootLogger on an output that stops reading', () => {
  /** Whatever the pipe holds now, as bytes. */
  function drain(fd: number): Buffer {
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(1 << 20);
    for (;;) {
      try {
        const n = readSync(fd, buffer);
        if (n === 0) break;
        chunks.push(Buffer.from(buffer.subarray(0, n)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
        throw error;
      }
    }
    return Buffer.concat(chunks);
  }

  it('keeps at most its bound waiting, drops the rest, counts them and says so once the output reads again', async () => {
    // A pipe nobody reads, as a stalled log collector: once its 64 KiB are full, every write waits.
    const dir = mkdtempSync(join(tmpdir(), 'image-forge-log-'));
    const fifo = join(dir, 'stdout');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, 'w');
    try {
      const before = droppedLogLines();
      const logger = createRootLogger('info', { fd: writer, maxPendingBytes: 256 * 1024 });
      const message = 'x'.repeat(200);
      const total = 20_000; // ~5 MB of lines, twenty times the bound

      for (let i = 0; i < total; i++) logger.info({ i }, message);
      logger.flush();
      const dropped = droppedLogLines() - before;

      expect(dropped).toBeGreaterThan(total / 2);
      // The output reads again: what was kept arrives, then the warning (within a flush period).
      let received = Buffer.alloc(0);
      const lines = () =>
        received
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { level: number; msg: string; droppedLines?: number });
      for (let waited = 0; waited < 5000; waited += 50) {
        received = Buffer.concat([received, drain(reader)]);
        if (received.includes('"droppedLines"') && received.at(-1) === 0x0a) break;
        await sleep(50);
      }
      const kept = lines().filter((line) => line.msg === message).length;
      expect(lines().find((line) => line.droppedLines !== undefined)).toMatchObject({
        level: 40,
        msg: 'log lines dropped: the log output did not keep up',
        droppedLines: dropped,
      });
      expect(kept + dropped).toBe(total);
    } finally {
      // Whatever is still written (a failed run leaves the pipe full) is read, so no write the
      // logger started blocks this process's exit.
      setInterval(() => drain(reader), 20).unref();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('LazyChildLogger', () => {
  it('makes no child until something logs, then logs with its bindings as a child would', async () => {
    const { logger, lines } = capturing();
    let made = 0;
    const parent = Object.assign(Object.create(logger) as pino.Logger, {
      child: (...args: Parameters<pino.Logger['child']>) => {
        made++;
        return logger.child(...args);
      },
    });
    const lazy = new LazyChildLogger(parent, { reqId: 'r-1' }, {});

    expect(lazy.level).toBe('info');
    expect(made).toBe(0);
    lazy.debug('below the level');
    lazy.warn({ err: new Error('boom') }, 'reply already sent');
    lazy.info('and %s', 'again');
    await settle();

    expect(made).toBe(1);
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        level: 40,
        reqId: 'r-1',
        msg: 'reply already sent',
        err: expect.objectContaining({ message: 'boom' }),
      }),
      expect.objectContaining({ level: 30, reqId: 'r-1', msg: 'and again' }),
    ]);
  });

  it('is a logger Fastify takes, and every request gets one', async () => {
    const { logger, lines } = capturing();
    const { fastify } = await import('fastify');
    const { lazyChildLogger } = await import('./logging.js');
    const app = fastify({
      loggerInstance: logger,
      childLoggerFactory: lazyChildLogger,
      genReqId: () => 'req-abc',
    });
    app.get('/', (request) => {
      expect(request.log).toBeInstanceOf(LazyChildLogger);
      request.log.info('handled');
      return 'ok';
    });
    const response = await app.inject({ url: '/' });
    await app.close();
    await settle();

    expect(response.statusCode).toBe(200);
    const handled = lines.map((line) => JSON.parse(line) as { msg: string; reqId?: string });
    expect(handled.find((line) => line.msg === 'handled')?.reqId).toBe('req-abc');
  });
});

describe('LogLevels', () => {
  type Line = { level: number; msg: string; reqId?: string; req?: { url: string } } & Record<
    string,
    unknown
  >;

  /** A Fastify app on a capturing root logger, with the request line and lazy request loggers. */
  async function serving(level: 'info' | 'silent') {
    const { logger, lines } = capturing(level);
    const { fastify, LogController } = await import('fastify');
    const { lazyChildLogger } = await import('./logging.js');
    // As `createApp` makes it: Fastify's own request lines off, ours on.
    const app = fastify({
      loggerInstance: logger,
      childLoggerFactory: lazyChildLogger,
      logController: new LogController({ disableRequestLogging: true }),
    });
    // Typed with pino's logger, Fastify's instance is not the default-typed one `attach` takes.
    const frontDoor = new FrontDoor({ headers: {}, cors: false });
    frontDoor.attach(app as unknown as FastifyInstance);
    frontDoor.observe(requestLog(logger));
    app.get('/:name', (request) => {
      request.log.info('handled at info');
      request.log.warn('handled at warn');
      return 'ok';
    });
    const levels = new LogLevels(logger, level);
    const get = async (name: string) => {
      expect((await app.inject({ url: `/${name}` })).statusCode).toBe(200);
      await settle();
    };
    const parsed = () => lines.map((line) => JSON.parse(line) as Line);
    return { app, levels, get, parsed };
  }

  it('changes what every logger writes at once: the request line, request loggers, the root', async () => {
    const { app, levels, get, parsed } = await serving('info');
    await get('first');
    levels.set('warn', 'admin-1');
    await get('second');
    levels.set('info', 'admin-1');
    await get('third');
    await app.close();

    const urls = parsed()
      .filter((line) => line.msg === 'request completed')
      .map((line) => line.req?.url);
    expect(urls).toEqual(['/first', '/third']);
    const handled = parsed()
      .filter((line) => line.msg.startsWith('handled'))
      .map((line) => line.msg);
    expect(handled).toEqual([
      'handled at info',
      'handled at warn',
      'handled at warn',
      'handled at info',
      'handled at warn',
    ]);
    const changes = parsed().filter((line) => line.msg === 'log level changed');
    expect(changes).toEqual([
      expect.objectContaining({ level: 40, from: 'info', to: 'warn', by: 'admin-1' }),
      expect.objectContaining({ level: 40, from: 'warn', to: 'info', by: 'admin-1' }),
    ]);
    expect({ current: levels.current, configured: levels.configured }).toEqual({
      current: 'info',
      configured: 'info',
    });
  });

  it('says so where either level shows warnings: after leaving silent, before going silent', async () => {
    const { app, levels, get, parsed } = await serving('silent');
    await get('unseen');
    levels.set('info', 'admin-2');
    await get('seen');
    levels.set('silent', 'admin-2');
    await get('unseen-again');
    await app.close();

    expect(parsed().map((line) => [line.msg, line.to ?? line.req?.url ?? null])).toEqual([
      ['log level changed', 'info'],
      ['handled at info', null],
      ['handled at warn', null],
      ['request completed', '/seen'],
      ['log level changed', 'silent'],
    ]);
    expect(levels.configured).toBe('silent');
  });
});
