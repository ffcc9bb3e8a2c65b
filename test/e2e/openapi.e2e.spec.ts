import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import SwaggerParser from '@apidevtools/swagger-parser';
import { register, startApp, type Account, type TestApp } from '../support/app.js';
import type { OpenApiDocument } from '../support/openapi.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Operations that end the caller's session (or every session of the account). */
const SESSION_ENDING = new Set(['logout', 'logoutEverywhere']);

describe('e2e: the OpenAPI spec', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let user: Account;

  beforeAll(async () => {
    t = await startApp();
    doc = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
    user = await register(t.http);
  });
  afterAll(() => t.close());

  it('validates as OpenAPI 3', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('is what is committed in openapi/openapi.json', () => {
    const committed = JSON.parse(readFileSync('openapi/openapi.json', 'utf8')) as OpenApiDocument;
    expect(doc).toEqual(committed);
  });

  it('gives every operation a summary, a unique operationId, a 2xx and problem+json errors', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const op = item[method] as unknown as
          | {
              summary?: string;
              operationId?: string;
              responses: Record<string, { content?: Record<string, unknown> }>;
            }
          | undefined;
        if (!op) continue;
        const where = `${method.toUpperCase()} ${path}`;
        expect({
          where,
          summary: Boolean(op.summary),
          operationId: Boolean(op.operationId),
        }).toEqual({ where, summary: true, operationId: true });
        expect({ where, duplicate: ids.has(op.operationId!) }).toEqual({ where, duplicate: false });
        ids.add(op.operationId!);
        const statuses = Object.keys(op.responses);
        expect({ where, has2xx: statuses.some((s) => s.startsWith('2')) }).toEqual({
          where,
          has2xx: true,
        });
        for (const status of statuses.filter((s) => Number(s) >= 400)) {
          expect({ where, status, types: Object.keys(op.responses[status].content ?? {}) }).toEqual(
            {
              where,
              status,
              types: ['application/problem+json'],
            },
          );
        }
      }
    }
    expect(ids.size).toBeGreaterThanOrEqual(20);
  });

  it('documents auth as the guard enforces it: secured operations answer 401 without a token, others do not', async () => {
    const sample = '01a200bc-4929-719e-90bf-5cd1ebf503d3';
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const op = item[method] as unknown as
          { security?: Record<string, unknown>[]; operationId: string } | undefined;
        if (!op) continue;
        const path = template.replace(/\{[^}]+\}/g, sample);
        const res = await t.http[method](path).send(
          method === 'get' || method === 'delete' ? undefined : {},
        );
        // Required auth: at least one requirement, and no empty (anonymous) alternative.
        const requirements = op.security ?? [];
        const secured =
          requirements.length > 0 && requirements.every((r) => Object.keys(r).length > 0);
        expect({ op: op.operationId, unauthorized: res.status === 401 }).toEqual({
          op: op.operationId,
          unauthorized: secured,
        });
        if (secured) {
          // Signing out ends the session it is sent with: those get an account of their own.
          const caller = SESSION_ENDING.has(op.operationId) ? await register(t.http) : user;
          const authed = await t.http[method](path)
            .set(caller.auth)
            .send(method === 'get' || method === 'delete' ? undefined : {});
          expect({ op: op.operationId, status: authed.status === 401 }).toEqual({
            op: op.operationId,
            status: false,
          });
        }
      }
    }
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.http.get('/docs').redirects(1).expect(200);
    expect(res.text).toContain('swagger-ui');
  });
});
