import { expect } from '@jest/globals';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Response } from 'supertest';

// ajv and ajv-formats are CommonJS; under ESM their classes sit on `default`.
const Ajv = AjvModule.default ?? AjvModule;
const addFormats = addFormatsModule.default ?? addFormatsModule;

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, object> };
}

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Checks responses against the published spec, as a generated client would rely on them: every
 * 2xx JSON body must match its operation's schema; errors must be problem+json.
 */
export class SpecConformance {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly routes: { method: string; template: string; regex: RegExp }[];

  constructor(readonly doc: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema(doc, 'spec');
    this.routes = Object.entries(doc.paths).flatMap(([template, methods]) =>
      Object.keys(methods).map((method) => ({
        method,
        template,
        regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      })),
    );
  }

  operation(method: string, path: string): { template: string; op: Operation } {
    const route = this.routes.find(
      (r) => r.method === method.toLowerCase() && r.regex.test(path.split('?')[0]),
    );
    if (!route) throw new Error(`${method} ${path} is not in the OpenAPI spec`);
    return { template: route.template, op: this.doc.paths[route.template][route.method] };
  }

  /** Asserts that `response` is one the spec promises for its operation, body schema included. */
  check(response: Response): void {
    const req = (response as unknown as { req: { method: string; path: string } }).req;
    const { template, op } = this.operation(req.method, req.path);
    const status = String(response.status);
    const documented = op.responses[status];
    expect({ operation: op.operationId, status, documented: documented !== undefined }).toEqual({
      operation: op.operationId,
      status,
      documented: true,
    });
    const contentType = String(response.headers['content-type'] ?? '').split(';')[0];
    if (response.status >= 400) {
      expect(contentType).toBe('application/problem+json');
    }
    const media = documented.content?.[contentType];
    if (!media?.schema || !contentType.includes('json')) return;
    const ref = `spec#/${pointer('paths', template, req.method.toLowerCase(), 'responses', status, 'content', contentType, 'schema')}`;
    const validate = this.ajv.getSchema(ref) ?? this.ajv.compile({ $ref: ref });
    const valid = validate(response.body);
    expect({ operation: op.operationId, errors: valid ? null : validate.errors }).toEqual({
      operation: op.operationId,
      errors: null,
    });
  }
}
