import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answerBytes, answerFile, type FileAnswer } from '../common/file-response.js';
import { FrontDoor, type FrontAnswer, type FrontAnswerer } from '../common/front-door.js';
import { isId } from '../common/ids.js';
import { checkQuery } from '../common/query-checks.js';
import {
  pageAnswer,
  sendPage,
  type PageAnswer,
  type PageCaching,
} from '../common/page-response.js';
import { API_PREFIX } from '../openapi/swagger.js';
import type { ContentKind } from './content-urls.js';
import { ImageQueryDto } from './dto/image.dto.js';
import { GalleryService } from './gallery.service.js';
import { PageCache } from './page-cache.js';

/** The public gallery's route. */
const PAGE_ROUTE = `/${API_PREFIX}/images`;
/** The blob routes, as Fastify knows them. */
const CONTENT_ROUTES: Readonly<Record<ContentKind, string>> = {
  image: `/${API_PREFIX}/images/:id/content`,
  thumbnail: `/${API_PREFIX}/images/:id/thumbnail`,
};
/** The anonymous hot routes, as Fastify knows them, and what each serves. */
const ROUTES: Readonly<Record<string, 'page' | ContentKind>> = {
  [PAGE_ROUTE]: 'page',
  [CONTENT_ROUTES.image]: 'image',
  [CONTENT_ROUTES.thumbnail]: 'thumbnail',
};
/** A blob route's path as a client sends it, without a query: its id and which blob. */
const CONTENT_PATH = new RegExp(`^/${API_PREFIX}/images/([^/?]+)/(content|thumbnail)$`);

/**
 * What every visitor asks for, answered before Nest's pipeline runs, by the same service calls
 * the controller makes:
 * - at the `FrontDoor`, before Fastify, what is in memory: a public gallery page in the page cache
 *   (keyed by the URL as sent; the route takes no credentials and lists public images only, so
 *   its answer is the same for everyone) and a public image's or thumbnail's bytes asked without
 *   credentials, query (a signature) or range, when `cachedPublicContent` has the record and the
 *   bytes (access decided as the controller decides it, on every request);
 * - in a Fastify `preHandler` (after the request id, security headers and CORS hooks; guards,
 *   pipes and interceptors are most of a small request's cost), the rest of those two: a page
 *   built for a query that its fast check (`registerQueryCheck`) accepts, the check the
 *   controller's validation makes first, and bytes as `GalleryService.content` gives them.
 * Anything else, and any failure, goes on to the controller, which answers it (errors included)
 * as always.
 */
@Injectable()
export class GalleryFastPaths implements OnModuleInit, OnModuleDestroy {
  private readonly caching: PageCaching;
  private leaveFrontDoor?: () => void;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly frontDoor: FrontDoor,
    private readonly pages: PageCache,
    private readonly gallery: GalleryService,
  ) {
    this.caching = this.pages.caching('public');
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const { caching } = this;
    this.leaveFrontDoor = this.frontDoor.answer(this.fromMemory);
    fastify.addHook('preHandler', (request, reply, done) => {
      const route = ROUTES[request.routeOptions.url ?? ''];
      if (route === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) {
        done();
      } else if (route === 'page') {
        this.sendPublicPage(request, reply, caching, done);
      } else if (isPlainAnonymous(request)) {
        this.sendContent(request, reply, route, done);
      } else {
        done();
      }
    });
  }

  /** A closing app answers everything itself (503s included). */
  onModuleDestroy(): void {
    this.leaveFrontDoor?.();
  }

  /** The `FrontDoor`'s answerer: a cached public page, or public bytes in memory. */
  private readonly fromMemory: FrontAnswerer = (url, headers) => {
    if (url === PAGE_ROUTE || url.startsWith(`${PAGE_ROUTE}?`)) {
      const page = this.pages.get(PageCache.keyFor(url));
      if (!page) return undefined;
      return frontAnswer(PAGE_ROUTE, pageAnswer(page, this.caching, headers['if-none-match']));
    }
    if (headers.authorization !== undefined || headers.range !== undefined) return undefined;
    const match = CONTENT_PATH.exec(url);
    if (!match || !isId(match[1])) return undefined;
    const kind: ContentKind = match[2] === 'content' ? 'image' : 'thumbnail';
    const cached = this.gallery.cachedPublicContent(match[1], kind);
    if (!cached) return undefined;
    const answer = answerBytes(cached.file, cached.contentType, cached.bytes, headers);
    return frontAnswer(CONTENT_ROUTES[kind], answer);
  };

  /** The page from the cache, else built when its query passes the fast check; else `done`. */
  private sendPublicPage(
    request: FastifyRequest,
    reply: FastifyReply,
    caching: PageCaching,
    done: () => void,
  ): void {
    const page = this.pages.get(PageCache.keyFor(request.url));
    if (page) return sendPage(reply, page, caching);
    const query = checkQuery(ImageQueryDto, request.query) as ImageQueryDto | undefined;
    if (!query) return done();
    this.gallery.publicPage(request.url, query).then(
      (built) => sendPage(reply, built, caching),
      () => done(),
    );
  }

  /** The bytes as `content` gives them; on any failure, `done`. */
  private sendContent(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: ContentKind,
    done: () => void,
  ): void {
    const { id } = request.params as { id: string };
    this.gallery
      .content(undefined, id, kind, {})
      .then((content) => answerFile(content, request.headers))
      .then((answer) => send(reply, answer))
      .then(undefined, () => done());
  }
}

/** `answer` (a page's, or a file's from memory: never a stream) as the `FrontDoor` sends it. */
function frontAnswer(route: string, answer: PageAnswer | FileAnswer): FrontAnswer {
  return {
    route,
    status: answer.status,
    headers: answer.headers,
    body: answer.body as Buffer | string | undefined,
  };
}

function send(reply: FastifyReply, answer: FileAnswer): void {
  void reply.status(answer.status).headers(answer.headers).send(answer.body);
}

/** No credentials, no query (a signature), no range: the plainest request for a public blob. */
function isPlainAnonymous(request: FastifyRequest): boolean {
  const { headers } = request;
  return (
    headers.authorization === undefined &&
    headers.range === undefined &&
    !request.url.includes('?') &&
    isId((request.params as { id?: string }).id ?? '')
  );
}
