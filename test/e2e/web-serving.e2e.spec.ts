import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Fastify from 'fastify';
import { registerDashboard } from '../../src/web/dashboard.server.js';
import { startApp, type TestApp } from '../support/app.js';
import { ensureDashboardBuilt } from '../browser/dashboard-build.js';

/** The dashboard at `/`, beside the API, Swagger UI and health checks it must not shadow. */
describe('e2e: the dashboard is served at /', () => {
  let t: TestApp;
  beforeAll(async () => {
    await ensureDashboardBuilt();
    t = await startApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers / with the page, revalidated on every load', async () => {
    const res = await t.http.get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text).toContain('<div id="app">');
  });

  it('serves hashed assets for a year, compressed when the browser accepts it', async () => {
    const page = await t.http.get('/').expect(200);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    const res = await t.http.get(script!).set('accept-encoding', 'br, gzip').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['content-encoding']).toBe('br');
  });

  it.each([
    '/me',
    '/images/0193a5b2-7c1d-7e4f-9a3b-123456789abc',
    '/schedules',
    '/generate',
    '/account',
  ])('answers the deep link %s with the page', async (path) => {
    const res = await t.http.get(path).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<div id="app">');
  });

  it.each([
    '/api/v1/nope',
    '/api/nope',
    '/api',
    '/health/nope',
    '/docs/nope.js',
    '/assets/nope.js',
    '/favicon.ico',
  ])('keeps %s a problem+json 404, never the page', async (path) => {
    const res = await t.http.get(path).expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404 });
  });

  it('leaves Swagger UI, the spec, health and the API as they were', async () => {
    const docs = await t.http.get('/docs').redirects(1).expect(200);
    expect(docs.text).toMatch(/swagger-ui/i);
    await t.http.get('/docs-json').expect(200).expect('content-type', /json/);
    await t.http.get('/health/live').expect(200);
    const images = await t.http.get('/api/v1/images').expect(200);
    expect(images.body).toHaveProperty('items');
  });
});

describe('the dashboard when web/dist is missing', () => {
  it('says how to build it, and the rest still works', async () => {
    const fastify = Fastify();
    registerDashboard(fastify, '/nonexistent/web/dist');
    fastify.get('/api/v1/ping', async () => ({ ok: true }));
    await fastify.ready();
    try {
      const page = await fastify.inject({ method: 'GET', url: '/' });
      expect(page.statusCode).toBe(503);
      expect(page.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(page.json()).toMatchObject({ status: 503, code: 'dashboard-not-built' });
      expect(page.json().detail).toContain('npm run build');
      const api = await fastify.inject({ method: 'GET', url: '/api/v1/ping' });
      expect(api.json()).toEqual({ ok: true });
    } finally {
      await fastify.close();
    }
  });
});
