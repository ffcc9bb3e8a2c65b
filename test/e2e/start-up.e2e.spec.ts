/**
 * What the service loads at start on its embedded defaults: no SDK of an adapter it does not use,
 * not sharp, which the default renderer imports when it first draws, and not Fastify's schema
 * compilers.
 * Each of `LAZY_PACKAGES` is replaced by a module that records its import, so a static import of
 * one anywhere in the app shows here (the positive control imports one itself).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { TestApp } from '../support/app.js';
import { LAZY_PACKAGES } from '../support/lazy-packages.js';

const imported = new Set<string>();
for (const sdk of LAZY_PACKAGES) {
  jest.unstable_mockModule(sdk, () => {
    imported.add(sdk);
    return { default: class {} };
  });
}
/**
 * Fastify's schema compilers, which it requires (CommonJS) when a server is made unless given its
 * own (`lazySchemaCompilers`): no route here has a Fastify schema. Each is replaced by a selector
 * of a builder of a compiler of a validator that accepts everything, recording its load.
 */
const COMPILERS = ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler'];
const required = new Set<string>();
for (const compiler of COMPILERS) {
  jest.mock(compiler, () => {
    required.add(compiler);
    return () => () => () => () => true;
  });
}

describe('start-up on embedded defaults', () => {
  let t: TestApp;

  beforeAll(async () => {
    const { startApp } = await import('../support/app.js');
    t = await startApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('imports no SDK of an adapter it does not use, and serves', async () => {
    expect((await t.http.get('/api/v1/images')).status).toBe(200);
    const providers = await t.http.get('/api/v1/providers');
    expect(providers.status).toBe(200);
    expect([...imported]).toEqual([]);
  });

  it("does not load Fastify's schema compilers", () => {
    expect([...required]).toEqual([]);
  });

  it("would see Fastify's schema compilers loaded by a server made without being told (the control)", async () => {
    const { default: Fastify } = await import('fastify');
    await Fastify().close();
    expect([...required].sort()).toEqual(COMPILERS);
  });

  it('would see an import of one (the control)', async () => {
    await import('openai');
    expect([...imported]).toEqual(['openai']);
  });
});
