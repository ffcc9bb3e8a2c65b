import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from '@jest/globals';

import { RangeNotSatisfiableError } from './errors.js';
import {
  answerBytes,
  answerFile,
  type FileBody,
  type FileRequest,
  type FileResponse,
} from './file-response.js';
import type { ByteRange } from './http-range.js';

/** A body as text, streamed or in memory. */
const bodyText = (body: Readable | Buffer) =>
  Buffer.isBuffer(body) ? Promise.resolve(body.toString('utf8')) : text(body);

const BYTES = 'abcdefghijklmnopqrstuvwxyz';
const ETAG = '"0123abcd"';

/** A file of the alphabet; `opened` lists what was read from it. */
function file(overrides: Partial<FileResponse> = {}): FileResponse & { opened: string[] } {
  const opened: string[] = [];
  const body: FileBody = {
    contentType: 'text/plain',
    size: BYTES.length,
    open: (range?: ByteRange) => {
      opened.push(range ? `${range.start}-${range.end}` : 'all');
      const slice = range ? BYTES.slice(range.start, range.end + 1) : BYTES;
      return Promise.resolve(Readable.from([Buffer.from(slice)]));
    },
  };
  return {
    etag: ETAG,
    visibility: 'public',
    body: () => Promise.resolve(body),
    ...overrides,
    opened,
  };
}

describe('answerFile', () => {
  it('sends a public file whole, for any cache to keep and revalidate', async () => {
    const answer = await answerFile(file(), {});

    expect(answer.status).toBe(200);
    expect(answer.headers).toEqual({
      etag: ETAG,
      'cache-control': 'public, no-cache',
      'accept-ranges': 'bytes',
      'content-type': 'text/plain',
      'content-length': '26',
    });
    expect(await bodyText(answer.body!)).toBe(BYTES);
  });

  it('keeps a private file out of shared caches, keyed by who asks', async () => {
    const answer = await answerFile(file({ visibility: 'private' }), {});

    expect(answer.headers['cache-control']).toBe('private, no-cache');
    expect(answer.headers.vary).toBe('Authorization');
  });

  it.each([ETAG, `W/${ETAG}`, `"other", ${ETAG}`, '*'])(
    'answers If-None-Match: %s with 304, the validators and no bytes',
    async (ifNoneMatch) => {
      const sent = file({ visibility: 'private' });
      const answer = await answerFile(sent, { 'if-none-match': ifNoneMatch });

      expect(answer.status).toBe(304);
      expect(answer.headers).toEqual({
        etag: ETAG,
        'cache-control': 'private, no-cache',
        vary: 'Authorization',
        'accept-ranges': 'bytes',
      });
      expect(answer.body).toBeUndefined();
      expect(sent.opened).toEqual([]);
    },
  );

  it('sends the bytes when If-None-Match names another tag', async () => {
    const answer = await answerFile(file(), { 'if-none-match': '"other"' });

    expect(answer.status).toBe(200);
  });

  it('answers a Range with 206 and just those bytes', async () => {
    const answer = await answerFile(file(), { range: 'bytes=2-4' });

    expect(answer.status).toBe(206);
    expect(answer.headers).toMatchObject({
      'content-length': '3',
      'content-range': 'bytes 2-4/26',
      'cache-control': 'public, no-cache',
    });
    expect(await bodyText(answer.body!)).toBe('cde');
  });

  it('refuses a range outside the file with its size (416), reading nothing', async () => {
    const sent = file();

    const refused = await answerFile(sent, { range: 'bytes=26-' }).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(RangeNotSatisfiableError);
    expect((refused as RangeNotSatisfiableError).size).toBe(26);
    expect(sent.opened).toEqual([]);
  });

  it('serves the whole file for a Range it does not take (several ranges)', async () => {
    const answer = await answerFile(file(), { range: 'bytes=0-1,4-5' });

    expect(answer.status).toBe(200);
  });

  it('redirects to a URL that serves the bytes, never to be cached', async () => {
    const answer = await answerFile(
      file({ body: () => Promise.resolve({ redirect: 'https://store.example/blob?sig=1' }) }),
      { range: 'bytes=0-1' },
    );

    expect(answer).toEqual({
      status: 302,
      headers: {
        location: 'https://store.example/blob?sig=1',
        'cache-control': 'private, no-store',
      },
    });
  });

  it('answers a matching If-None-Match with 304 before any redirect', async () => {
    const answer = await answerFile(
      file({ body: () => Promise.reject(new Error('asked for the body')) }),
      { 'if-none-match': ETAG },
    );

    expect(answer.status).toBe(304);
  });

  describe('with a modification time', () => {
    const lastModified = new Date('2026-03-01T10:00:00.500Z');

    it('sends Last-Modified', async () => {
      const answer = await answerFile(file({ lastModified }), {});

      expect(answer.headers['last-modified']).toBe('Sun, 01 Mar 2026 10:00:00 GMT');
    });

    it.each([
      ['at that second', 'Sun, 01 Mar 2026 10:00:00 GMT', 304],
      ['later', 'Sun, 01 Mar 2026 11:00:00 GMT', 304],
      ['earlier', 'Sun, 01 Mar 2026 09:59:59 GMT', 200],
      ['unreadable', 'yesterday', 200],
    ])('answers If-Modified-Since %s with %s', async (_, since, status) => {
      const answer = await answerFile(file({ lastModified }), { 'if-modified-since': since });

      expect(answer.status).toBe(status);
    });

    it('lets If-None-Match decide when both are sent', async () => {
      const answer = await answerFile(file({ lastModified }), {
        'if-none-match': '"other"',
        'if-modified-since': 'Sun, 01 Mar 2026 11:00:00 GMT',
      });

      expect(answer.status).toBe(200);
    });
  });
});

describe('answerBytes', () => {
  const modified = new Date('2026-05-01T10:00:00.000Z');
  const requests: [string, FileRequest][] = [
    ['no conditions', {}],
    ['a matching If-None-Match', { 'if-none-match': ETAG }],
    ['another tag', { 'if-none-match': '"other"' }],
    ['a later If-Modified-Since', { 'if-modified-since': 'Fri, 01 May 2026 11:00:00 GMT' }],
    ['an earlier If-Modified-Since', { 'if-modified-since': 'Fri, 01 May 2026 09:00:00 GMT' }],
    ['a range', { range: 'bytes=3-7' }],
    ['a suffix range', { range: 'bytes=-4' }],
    ['several ranges', { range: 'bytes=0-1,4-5' }],
  ];

  it.each(
    requests.flatMap(([name, request]) =>
      (['public', 'private'] as const).map((visibility) => [name, visibility, request] as const),
    ),
  )('answers %s (%s) as answerFile does', async (_name, visibility, request) => {
    const meta = { etag: ETAG, visibility, lastModified: modified };
    const streamed = await answerFile(file(meta), request);
    const inMemory = answerBytes(meta, 'text/plain', Buffer.from(BYTES), request);

    expect(inMemory.status).toBe(streamed.status);
    expect(inMemory.headers).toEqual(streamed.headers);
    expect(inMemory.body && (await bodyText(inMemory.body))).toBe(
      streamed.body && (await bodyText(streamed.body)),
    );
  });

  it('refuses a range outside the file with its size (416), as answerFile does', () => {
    const answer = () =>
      answerBytes(file(), 'text/plain', Buffer.from(BYTES), { range: 'bytes=26-30' });
    expect(answer).toThrow(RangeNotSatisfiableError);
  });
});
