import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { requestLineWriter, withoutSignature } from './logging.js';

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
    ['a plain page', 'GET', '/api/v1/images?limit=20', 200, 0.3456789],
    ['a path that needs escaping', 'POST', '/api/v1/x?q="quoted"\\back\u2028&é', 404, 12],
    ['a slow error', 'DELETE', '/api/v1/images/01a2', 503, 1234.5],
  ])('writes %s as pino itself would', async (_name, method, url, statusCode, responseTime) => {
    const mine = capturing();
    const theirs = capturing();
    const reqId = 'req-"1"';
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
    // Same fields, same values, same order.
    expect(Object.keys(ours)).toEqual(Object.keys(parse(theirs.lines[0])));
    expect(ours).toEqual(parse(theirs.lines[0]));
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

describe('withoutSignature', () => {
  it('keeps the path and drops only the signature', () => {
    expect(withoutSignature('/api/v1/images/1/content?expires=9&signature=abc&x=1')).toBe(
      '/api/v1/images/1/content?expires=9&signature=[redacted]&x=1',
    );
    expect(withoutSignature('/api/v1/images?limit=20')).toBe('/api/v1/images?limit=20');
  });
});
