// The ceilings the gallery benchmark measures image-forge against, each started as its own process
// by `gallery.bench.mjs`: `node bench/ceilings.mjs bare|fastify|nest` serves one JSON page (the
// file BODY_FILE, the gallery's real page 1) on PORT; `bare` and `fastify` also serve an image's
// or a thumbnail's bytes from memory (BODY_FILE a PNG or WebP, CONTENT_TYPE its type): what the
// platform and the framework alone cost a blob.
//   bare     node:http writing the bytes from memory: the platform's ceiling
//   fastify  Fastify sending the pre-serialised bytes: the HTTP framework's ceiling
//   nest     a minimal Nest 12 app on Fastify returning the page as an object (Nest serialises it):
//            the ceiling of any page that must be built per request
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const kind = process.argv[2];
const body = readFileSync(process.env.BODY_FILE);
const port = Number(process.env.PORT);
const contentType = process.env.CONTENT_TYPE ?? 'application/json; charset=utf-8';
const host = '127.0.0.1';

if (kind === 'bare') {
  createServer((req, res) => {
    res.writeHead(200, {
      'content-type': contentType,
      'content-length': body.length,
    });
    res.end(body);
  }).listen(port, host);
} else if (kind === 'fastify') {
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  app.get('/', (request, reply) => {
    void reply.type(contentType).send(body);
  });
  await app.listen({ port, host });
} else if (kind === 'nest') {
  const { Controller, Get, Module } = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  const page = JSON.parse(body.toString('utf8'));
  // Decorators applied by hand: this file is plain JavaScript.
  class PageController {
    page() {
      return page;
    }
  }
  Controller()(PageController);
  Get()(
    PageController.prototype,
    'page',
    Object.getOwnPropertyDescriptor(PageController.prototype, 'page'),
  );
  class PageModule {}
  Module({ controllers: [PageController] })(PageModule);
  const app = await NestFactory.create(PageModule, new FastifyAdapter(), { logger: false });
  await app.listen({ port, host });
} else {
  throw new Error(`unknown ceiling ${kind}: bare, fastify or nest`);
}
