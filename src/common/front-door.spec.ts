import { afterEach, describe, expect, it } from '@jest/globals';
import { fastify } from 'fastify';
import request from 'supertest';
import {
  FrontDoor,
  type AnswerObserver,
  type Answered,
  type FrontAnswerer,
  type FrontDoorOptions,
} from './front-door.js';
import { requestIdFor } from './logging.js';

const EDGE = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' };

/** Answers `/door` and `/door?…` with a JSON body of its own. */
const doorAnswers: FrontAnswerer = (url, headers) =>
  url === '/door' || url.startsWith('/door?')
    ? {
        route: '/door',
        status: headers['if-none-match'] === '"v1"' ? 304 : 200,
        headers: { etag: '"v1"', 'content-type': 'application/json' },
        body: '{"from":"door"}',
      }
    : undefined;

/**
 * Fastify on the door's server, as `createApp` sets it up: every path answers `{from: 'app'}`;
 * `answered` records what the door reports, after `firstObserver` when given.
 */
async function serving({
  cors = false,
  onObserverError,
  firstObserver,
}: Pick<FrontDoorOptions, 'onObserverError'> & {
  cors?: boolean;
  firstObserver?: AnswerObserver;
} = {}) {
  const door = new FrontDoor({ headers: EDGE, cors, onObserverError });
  const app = fastify({
    serverFactory: door.serverFactory,
    keepAliveTimeout: 61_000,
    genReqId: requestIdFor,
  });
  door.attach(app);
  if (firstObserver) door.observe(firstObserver);
  const answered: Answered[] = [];
  door.observe((answer) => answered.push(answer));
  app.get('/*', () => ({ from: 'app' }));
  app.post('/*', () => ({ from: 'app' }));
  await app.ready();
  opened.push(app);
  return { door, app, answered, http: request(app.server) };
}

const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

describe('FrontDoor', () => {
  it('sends an answerer’s answer with the edge headers and a request id, before Fastify', async () => {
    const { door, http } = await serving();
    door.answer(doorAnswers);

    const fromDoor = await http.get('/door?x=1').expect(200);
    expect(fromDoor.body).toEqual({ from: 'door' });
    expect(fromDoor.headers).toMatchObject({
      ...EDGE,
      etag: '"v1"',
      'content-type': 'application/json',
      'content-length': '15',
    });
    expect(fromDoor.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    // The edge's headers come first, then the request id, as the app's hook sends them.
    expect(Object.keys(fromDoor.headers).slice(0, 3)).toEqual([
      ...Object.keys(EDGE),
      'x-request-id',
    ]);

    const kept = await http.get('/door').set('x-request-id', 'caller-7').expect(200);
    expect(kept.headers['x-request-id']).toBe('caller-7');
    const unsafe = await http.get('/door').set('x-request-id', 'a b').expect(200);
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    expect((await http.get('/elsewhere').expect(200)).body).toEqual({ from: 'app' });
  });

  it('answers HEAD with the headers and no body, and a 304 without one', async () => {
    const { door, http } = await serving();
    door.answer(doorAnswers);
    const head = await http.head('/door').expect(200);
    expect(head.headers['content-length']).toBe('15');
    expect(head.text).toBeUndefined();
    const notModified = await http.get('/door').set('if-none-match', '"v1"').expect(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers.etag).toBe('"v1"');
  });

  it('reports every answer, its own and the app’s, with route, method, status and id', async () => {
    const { door, http, answered } = await serving();
    door.answer(doorAnswers);
    await http.get('/door?a=1').set('x-request-id', 'from-door').expect(200);
    await http.get('/app').set('x-request-id', 'from-app').expect(200);
    // The app's answer is reported from its onResponse hook, once the socket has the answer.
    await new Promise((resolve) => setImmediate(resolve));

    expect(answered.map(({ elapsedMs, ...rest }) => ({ ...rest, timed: elapsedMs >= 0 }))).toEqual([
      {
        id: 'from-door',
        method: 'GET',
        url: '/door?a=1',
        route: '/door',
        statusCode: 200,
        timed: true,
      },
      {
        id: 'from-app',
        method: 'GET',
        url: '/app',
        route: '/*',
        statusCode: 200,
        timed: true,
      },
    ]);
  });

  it('leaves to the app what it must answer itself', async () => {
    const { door, http } = await serving({ cors: true });
    const leave = door.answer(doorAnswers);
    // Not GET or HEAD.
    expect((await http.post('/door').expect(200)).body).toEqual({ from: 'app' });
    // Cross-origin while CORS is on: the app's CORS hook decides.
    expect((await http.get('/door').set('origin', 'https://a.example').expect(200)).body).toEqual({
      from: 'app',
    });
    expect((await http.get('/door').expect(200)).body).toEqual({ from: 'door' });
    // An answerer taken away.
    leave();
    expect((await http.get('/door').expect(200)).body).toEqual({ from: 'app' });
  });

  it('leaves the request to the app, nothing written, when an answerer throws or its answer is not valid HTTP', async () => {
    const { door, http } = await serving();
    door.answer((url) => {
      if (url === '/throws') throw new Error('boom');
      if (url === '/bad-header') {
        return { route: '/bad', status: 200, headers: { etag: 'a\r\nb' }, body: 'door' };
      }
      return undefined;
    });
    for (const path of ['/throws', '/bad-header']) {
      const answer = await http.get(path).expect(200);
      expect(answer.body).toEqual({ from: 'app' });
      expect(answer.headers.etag).toBeUndefined();
    }
  });

  it('sends the answer, and tells the other observers, when an observer throws', async () => {
    const errors: unknown[] = [];
    const { door, http, answered } = await serving({
      onObserverError: (error) => errors.push(error),
      firstObserver: () => {
        throw new Error('the log is broken');
      },
    });
    door.answer(doorAnswers);

    expect((await http.get('/door').expect(200)).body).toEqual({ from: 'door' });
    expect((await http.get('/app').expect(200)).body).toEqual({ from: 'app' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered.map(({ url }) => url)).toEqual(['/door', '/app']);
    expect(errors).toEqual([new Error('the log is broken'), new Error('the log is broken')]);
  });

  it('sets its server up as Fastify sets up its own', async () => {
    const { app } = await serving();
    expect(app.server.keepAliveTimeout).toBe(61_000);
    expect(app.server.requestTimeout).toBe(0);
    expect(app.server.timeout).toBe(0);
  });
});
