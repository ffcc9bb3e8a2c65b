import { describe, expect, it } from '@jest/globals';
import {
  createClient,
  followGeneration,
  ProblemError,
  unwrap,
  type Generation,
  type Problem,
} from './index.js';

/** A fetch that records requests and answers with `answer(request, n)`. */
function fakeFetch(answer: (request: Request, n: number) => Response | Promise<Response>) {
  const requests: Request[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request);
    return answer(request, requests.length);
  };
  return { fetch, requests };
}

const json = (body: unknown, status = 200, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });

const problem: Problem = {
  type: 'urn:image-forge:problem:not-found',
  title: 'Not Found',
  status: 404,
  detail: 'No generation 123.',
  instance: '/api/v1/generations/123/events',
  code: 'not-found',
  requestId: 'req-1',
};

/** A streamed answer made of these text chunks (split anywhere, as the network may). */
function stream(chunks: string[], status = 200): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { status, headers: { 'Content-Type': 'text/event-stream' } });
}

const job = (status: Generation['status']) => ({ id: 'g1', status }) as Generation;
const event = (status: Generation['status'], id: string = status) =>
  `id: ${id}\ndata: ${JSON.stringify(job(status))}\n\n`;

async function collect(iterable: AsyncIterable<Generation>): Promise<string[]> {
  const statuses: string[] = [];
  for await (const generation of iterable) statuses.push(generation.status);
  return statuses;
}

describe('@image-forge/sdk', () => {
  describe('createClient', () => {
    it('sends the bearer token when there is one, at the base URL, with the given headers', async () => {
      let token: string | null = 'abc';
      const { fetch, requests } = fakeFetch(() => json({ items: [] }));
      const client = createClient({
        baseUrl: 'http://forge.test/',
        token: () => token,
        fetch,
        headers: { 'X-Client': 'tests' },
      });
      await client.GET('/api/v1/me/images', { params: { query: { limit: 5 } } });
      token = null;
      await client.GET('/api/v1/images');
      await client.GET('/api/v1/me/images', { headers: { Authorization: 'Bearer other' } });
      expect(
        requests.map((r) => [r.url, r.headers.get('Authorization'), r.headers.get('X-Client')]),
      ).toEqual([
        ['http://forge.test/api/v1/me/images?limit=5', 'Bearer abc', 'tests'],
        ['http://forge.test/api/v1/images', null, 'tests'],
        ['http://forge.test/api/v1/me/images', 'Bearer other', 'tests'],
      ]);
    });
  });

  describe('unwrap', () => {
    const client = (response: () => Response) =>
      createClient({ baseUrl: 'http://forge.test', fetch: fakeFetch(response).fetch });

    it('gives the data of a 2xx, and undefined for a 204', async () => {
      const list = { items: [], nextCursor: null };
      expect(unwrap(await client(() => json(list)).GET('/api/v1/images'))).toEqual(list);
      const deleted = await client(() => new Response(null, { status: 204 })).DELETE(
        '/api/v1/images/{id}',
        { params: { path: { id: 'i1' } } },
      );
      expect(unwrap(deleted)).toBeUndefined();
    });

    it('throws a ProblemError carrying the problem, its detail as message', async () => {
      const result = await client(() => json(problem, 404, 'application/problem+json')).GET(
        '/api/v1/images/{id}',
        { params: { path: { id: '123' } } },
      );
      const error = (() => {
        try {
          unwrap(result);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ProblemError);
      expect(error).toMatchObject({ status: 404, problem, message: 'No generation 123.' });
      expect((error as ProblemError).response.status).toBe(404);
    });

    it('makes a problem of a body that is not one (a proxy page, text)', async () => {
      const result = await client(
        () =>
          new Response('upstream timed out', {
            status: 504,
            statusText: 'Gateway Timeout',
            headers: { 'X-Request-Id': 'r-9' },
          }),
      ).GET('/api/v1/images');
      expect(() => unwrap(result)).toThrow(
        expect.objectContaining({
          status: 504,
          message: 'upstream timed out',
          problem: {
            type: 'about:blank',
            title: 'Gateway Timeout',
            status: 504,
            detail: 'upstream timed out',
            // The path of the answer's URL; a Response made in a test has none.
            instance: '',
            code: 'http-504',
            requestId: 'r-9',
          },
        }),
      );
    });
  });

  describe('followGeneration', () => {
    it('yields each event until a terminal status, whatever the chunking', async () => {
      const text = `: comment\n\n${event('queued')}${event('running')}`.replace(/\n/g, '\r\n');
      const chunks = [text.slice(0, 7), text.slice(7, 40), text.slice(40, -1), text.slice(-1)];
      const { fetch, requests } = fakeFetch(() =>
        stream([...chunks, event('succeeded'), event('running', 'after-the-end')]),
      );
      const statuses = await collect(
        followGeneration({ baseUrl: 'http://forge.test', token: () => 't0k', fetch }, 'g1'),
      );
      expect(statuses).toEqual(['queued', 'running', 'succeeded']);
      expect(requests.map((r) => [r.url, r.headers.get('Authorization')])).toEqual([
        ['http://forge.test/api/v1/generations/g1/events', 'Bearer t0k'],
      ]);
    });

    it('reconnects when the stream ends before the job does', async () => {
      const { fetch } = fakeFetch((_request, n) =>
        n === 1 ? stream([event('running'), 'retry: 10\n\n']) : stream([event('canceled')]),
      );
      const client = createClient({ baseUrl: 'http://forge.test', fetch });
      expect(await collect(followGeneration(client, 'g1'))).toEqual(['running', 'canceled']);
    });

    it('throws a ProblemError on a 404', async () => {
      const { fetch } = fakeFetch(() => json(problem, 404, 'application/problem+json'));
      await expect(
        collect(followGeneration({ baseUrl: 'http://forge.test', fetch }, '123')),
      ).rejects.toMatchObject({ name: 'ProblemError', status: 404, problem });
    });

    it('ends quietly when aborted', async () => {
      const controller = new AbortController();
      const { fetch } = fakeFetch((request) => {
        const body = new ReadableStream<Uint8Array>({
          start(stream) {
            stream.enqueue(new TextEncoder().encode(event('running')));
            request.signal.addEventListener('abort', () =>
              stream.error(new DOMException('aborted', 'AbortError')),
            );
          },
        });
        return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
      });
      const statuses: string[] = [];
      for await (const generation of followGeneration(
        { baseUrl: 'http://forge.test', fetch },
        'g1',
        { signal: controller.signal },
      )) {
        statuses.push(generation.status);
        controller.abort();
      }
      expect(statuses).toEqual(['running']);
    });
  });
});
