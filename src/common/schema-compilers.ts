import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;
/** A compiler builder, as Fastify calls it: its shared schemas and its options (typed by Fastify). */
type Builder = (externalSchemas: unknown, options: unknown) => unknown;

/**
 * Fastify's own schema compilers (Ajv for request validation, fast-json-stringify for response
 * serialisation), each loaded the first time a route with a JSON schema needs it: Fastify's
 * `schemaController` option, for `new FastifyAdapter(...)`.
 *
 * Fastify loads both while the server is made. No route here has a Fastify schema (requests are
 * validated by Nest's pipe, with class-validator), so that load (116 CommonJS files) was a fifth
 * of `createApp` for nothing: 232 against 183 ms on one core. They are resolved from Fastify's own
 * place, so they are the versions Fastify would have loaded, and each is built once, as Fastify
 * builds it (`ValidatorSelector()`).
 * One difference remains: with a custom compiler, Fastify hands a route's headers schema to it as
 * written instead of lower-casing its keys first; no route here has one.
 */
export function lazySchemaCompilers(): SchemaController {
  const fromFastify = createRequire(import.meta.resolve('fastify'));
  const lazily = (selector: string): Builder => {
    let build: Builder | undefined;
    return (externalSchemas, options) => {
      build ??= (fromFastify(selector) as () => Builder)();
      return build(externalSchemas, options);
    };
  };
  return {
    compilersFactory: {
      buildValidator: lazily('@fastify/ajv-compiler'),
      buildSerializer: lazily('@fastify/fast-json-stringify-compiler'),
    } as SchemaController['compilersFactory'],
  };
}
