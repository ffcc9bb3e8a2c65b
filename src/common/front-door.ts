import { performance } from 'node:perf_hooks';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { FastifyInstance, FastifyServerFactory } from 'fastify';
import { REQUEST_ID_HEADER, requestIdFor } from './logging.js';

/** An answer made from memory, whole and at once, without the framework. */
export interface FrontAnswer {
  /** The route's template as Fastify knows it (`/api/v1/images/:id/thumbnail`): the metrics label. */
  readonly route: string;
  readonly status: number;
  /**
   * The answer's own headers (none of the edge's); the door puts the edge's (security headers,
   * request id) first and, where there is a body, its `content-length` last unless given (as
   * Fastify does).
   */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
}

/**
 * Answers a plain GET or HEAD (`url` as the client sent it) from memory, or gives `undefined`
 * for the app to answer it. It must not do I/O; should it throw, the app answers the request.
 */
export type FrontAnswerer = (url: string, headers: IncomingHttpHeaders) => FrontAnswer | undefined;

/** An answer sent, by the door or by the app: what the request line and the HTTP metrics read. */
export interface Answered {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  /** The matched route's template; undefined when no route matched. */
  readonly route: string | undefined;
  readonly statusCode: number;
  /** From the request's arrival to its answer being handed to the socket. */
  readonly elapsedMs: number;
}

export type AnswerObserver = (answered: Answered) => void;

/** What the door sends with every answer, as the app's `onRequest` hook does with its own. */
export interface FrontDoorOptions {
  /** The security headers of data (the API's JSON and image bytes). */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Whether the app answers cross-origin requests with CORS headers: then a request that carries
   * an `Origin` goes to the app, whose CORS hook decides what to send.
   */
  readonly cors: boolean;
  /**
   * Told of an observer that threw (the answer is sent all the same, and the other observers
   * still see it): thrown from the server's request handler, it would end the process.
   */
  readonly onObserverError?: (error: unknown) => void;
}

/**
 * The HTTP server's first stop, before Fastify and Nest: what the gallery answers from memory (a
 * cached public page, a public thumbnail's bytes) is sent from here, and everything else goes to
 * the app as before. Fastify's and Nest's request pipeline (Nest's adapter alone adds six
 * `onRequest` hooks, reply bookkeeping, a dozen header writes through `reply.header`) was a
 * quarter of a cached page's CPU: on a quiet core here a cached page took 38 µs answered from
 * here against 52 through the pipeline, a thumbnail 43 against 55.
 *
 * An answer from the door is the app's answer in every respect a client sees: the same security
 * headers and request id (a caller's sane `x-request-id` kept, as `requestIdFor` keeps it), the
 * same status, validators and caching headers (the answerers build them with the app's own
 * functions), one request line in the log and one observation in the HTTP metrics (`observe`:
 * the app's answers reach the same observers through one Fastify `onResponse` hook, `attach`).
 * The door only ever answers GET and HEAD (Node leaves out a HEAD answer's body), and leaves to the
 * app a request with an `Origin` when CORS is on, and anything its answerers decline or throw on.
 * Answerers leave when their module is destroyed, so a closing app answers everything itself
 * (its 503s included).
 */
export class FrontDoor {
  private answerers: FrontAnswerer[] = [];
  private readonly observers: AnswerObserver[] = [];
  /** The edge's headers as `writeHead` takes them (name, value, name, value...), the id's last. */
  private readonly edgeHeaders: string[];
  private readonly idAt: number;

  constructor(private readonly options: FrontDoorOptions) {
    this.edgeHeaders = [...Object.entries(options.headers).flat(), REQUEST_ID_HEADER, ''];
    this.idAt = this.edgeHeaders.length - 1;
  }

  /**
   * Fastify's `serverFactory`: Node's HTTP server set up as Fastify sets up its own (the same
   * timeouts and server options), its requests offered to the answerers first.
   */
  readonly serverFactory: FastifyServerFactory = (handler, options) => {
    const server: Server = createServer(
      (options.http ?? {}) as Parameters<typeof createServer>[0] & object,
      (request, response) => {
        if (!this.tryAnswer(request, response)) handler(request, response);
      },
    );
    server.keepAliveTimeout = options.keepAliveTimeout as number;
    server.requestTimeout = options.requestTimeout as number;
    server.setTimeout(options.connectionTimeout as number);
    const perSocket = options.maxRequestsPerSocket as number | null;
    if (perSocket !== null && perSocket > 0) server.maxRequestsPerSocket = perSocket;
    return server;
  };

  /** Adds an answerer; the returned function takes it away. */
  answer(answerer: FrontAnswerer): () => void {
    this.answerers = [...this.answerers, answerer];
    return () => {
      this.answerers = this.answerers.filter((kept) => kept !== answerer);
    };
  }

  /** Calls `observer` with every answer sent, by the door or by the app (see `attach`). */
  observe(observer: AnswerObserver): void {
    this.observers.push(observer);
  }

  /** Has the app's answers reach the observers: one `onResponse` hook for all of them. */
  attach(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      this.notify({
        id: request.id,
        method: request.method,
        url: request.url,
        route: request.routeOptions.url,
        statusCode: reply.statusCode,
        elapsedMs: reply.elapsedTime,
      });
      done();
    });
  }

  /** Whether the door answered `request` (else nothing was written). */
  private tryAnswer(request: IncomingMessage, response: ServerResponse): boolean {
    const { method } = request;
    if (
      this.answerers.length === 0 ||
      (method !== 'GET' && method !== 'HEAD') ||
      (this.options.cors && request.headers.origin !== undefined)
    ) {
      return false;
    }
    const started = performance.now();
    const url = request.url ?? '';
    let answer: FrontAnswer | undefined;
    let id: string;
    try {
      for (const answerer of this.answerers) {
        answer = answerer(url, request.headers);
        if (answer) break;
      }
      if (!answer) return false;
      id = requestIdFor(request);
      response.writeHead(answer.status, this.headersOf(answer, id));
    } catch {
      // Nothing was written (writeHead validates before it stores a header): the app answers.
      return false;
    }
    response.end(answer.body);
    this.notify({
      id,
      method,
      url,
      route: answer.route,
      statusCode: answer.status,
      elapsedMs: performance.now() - started,
    });
    return true;
  }

  /**
   * The edge's headers, the request id, then the answer's and its length, as the flat list of
   * names and values that `writeHead` takes. (Made with object spread, a header object cost
   * Node's `writeHead` some 14 µs more a request here than one filled key by key, whose keys it
   * reads one `hasOwnProperty` at a time; a list it reads straight through: 0.6 µs less a request
   * again, in a paired run of bare `node:http` sending a thumbnail with these 13 headers.)
   */
  private headersOf(answer: FrontAnswer, id: string): string[] {
    const headers = this.edgeHeaders.slice();
    headers[this.idAt] = id;
    const own = answer.headers;
    for (const name in own) headers.push(name, own[name]);
    const { body } = answer;
    if (body !== undefined && own['content-length'] === undefined) {
      headers.push(
        'content-length',
        String(typeof body === 'string' ? Buffer.byteLength(body) : body.length),
      );
    }
    return headers;
  }

  private notify(answered: Answered): void {
    for (const observer of this.observers) {
      try {
        observer(answered);
      } catch (error) {
        try {
          this.options.onObserverError?.(error);
        } catch {
          // Where even that fails (the log is what broke), there is nowhere left to say it.
        }
      }
    }
  }
}
