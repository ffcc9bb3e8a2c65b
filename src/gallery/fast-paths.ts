import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answerBytes, answerFile, type FileAnswer } from '../common/file-response.js';
import { isId } from '../common/ids.js';
import { checkQuery } from '../common/query-checks.js';
import { sendPage, type PageCaching } from '../common/page-response.js';
import { API_PREFIX } from '../openapi/swagger.js';
import type { ContentKind } from './content-urls.js';
import { ImageQueryDto } from './dto/image.dto.js';
import { GalleryService } from './gallery.service.js';
import { PageCache } from './page-cache.js';

/** The anonymous hot routes, as Fastify knows them, and what each serves. */
const ROUTES: Readonly<Record<string, 'page' | ContentKind>> = {
  [`/${API_PREFIX}/images`]: 'page',
  [`/${API_PREFIX}/images/:id/content`]: 'image',
  [`/${API_PREFIX}/images/:id/thumbnail`]: 'thumbnail',
};

/**
 * What every visitor asks for, answered before Nest's pipeline runs (guards, pipes, interceptors:
 * most of a small request's cost), by the same service calls the controller makes:
 * - a public gallery page: from the page cache (only pages built for valid queries are cached;
 *   the route takes no credentials and lists public images only, so its answer is the same for
 *   everyone), or built for a query that its fast check (`registerQueryCheck`) accepts, the check
 *   the controller's validation makes first;
 * - a public image's or thumbnail's bytes, asked without credentials, signature or range (access
 *   is decided as the controller decides it, on every request, by `GalleryService.content`; when
 *   the record and the bytes are both in memory, by `cachedPublicContent`, without an await).
 * Anything else, and any failure, goes on to the controller, which answers it (errors included)
 * as always. The request's other hooks (request id, security headers, CORS, logging, metrics)
 * run all the same: this is a `preHandler`.
 */
@Injectable()
export class GalleryFastPaths implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly pages: PageCache,
    private readonly gallery: GalleryService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const caching = this.pages.caching('public');
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

  /**
   * From memory when both the record and the bytes are there (synchronously: no promise), else as
   * `content` says; on any failure, `done`.
   */
  private sendContent(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: ContentKind,
    done: () => void,
  ): void {
    const { id } = request.params as { id: string };
    const cached = this.gallery.cachedPublicContent(id, kind);
    if (cached) {
      try {
        send(reply, answerBytes(cached.file, cached.contentType, cached.bytes, request.headers));
      } catch {
        done();
      }
      return;
    }
    this.gallery
      .content(undefined, id, kind, {})
      .then((content) => answerFile(content, request.headers))
      .then((answer) => send(reply, answer))
      .then(undefined, () => done());
  }
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
