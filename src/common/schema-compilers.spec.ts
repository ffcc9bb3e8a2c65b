import { describe, expect, it } from '@jest/globals';
import Fastify from 'fastify';
import { lazySchemaCompilers } from './schema-compilers.js';

describe('lazySchemaCompilers', () => {
  it('validates and serialises with Fastify’s own compilers, loaded on first use', async () => {
    const fastify = Fastify({ schemaController: lazySchemaCompilers() });
    fastify.get(
      '/items',
      {
        schema: {
          querystring: {
            type: 'object',
            properties: { limit: { type: 'integer', minimum: 1, maximum: 100 } },
            required: ['limit'],
          },
          response: {
            200: { type: 'object', properties: { limit: { type: 'integer' } } },
          },
        },
      },
      (request) => ({ ...(request.query as object), secret: 'left out by the serialiser' }),
    );
    try {
      const ok = await fastify.inject({ url: '/items?limit=5' });
      expect(ok.statusCode).toBe(200);
      // Coerced to an integer by Ajv, and only the schema's keys written by fast-json-stringify.
      expect(ok.body).toBe('{"limit":5}');

      const tooBig = await fastify.inject({ url: '/items?limit=500' });
      expect(tooBig.statusCode).toBe(400);
      expect(tooBig.json()).toMatchObject({ message: 'querystring/limit must be <= 100' });

      const missing = await fastify.inject({ url: '/items' });
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toMatchObject({
        message: "querystring must have required property 'limit'",
      });
    } finally {
      await fastify.close();
    }
  });

  it('keeps shared schemas added with addSchema', async () => {
    const fastify = Fastify({ schemaController: lazySchemaCompilers() });
    fastify.addSchema({ $id: 'limit', type: 'integer', minimum: 1 });
    fastify.get(
      '/items',
      { schema: { querystring: { type: 'object', properties: { limit: { $ref: 'limit#' } } } } },
      () => ({ ok: true }),
    );
    try {
      expect((await fastify.inject({ url: '/items?limit=0' })).statusCode).toBe(400);
      expect((await fastify.inject({ url: '/items?limit=1' })).statusCode).toBe(200);
    } finally {
      await fastify.close();
    }
  });
});
