import { readFileSync } from 'node:fs';

/** A JSON Schema as the spec writes it (OpenAPI 3.0 flavour). */
export interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  example?: unknown;
  default?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}

interface RawOperation {
  operationId: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: {
    required?: boolean;
    content: Record<string, { schema?: Schema; examples?: Record<string, { value: unknown }> }>;
  };
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: Record<string, { schema?: Schema }> }
  >;
  [extension: `x-${string}`]: unknown;
}

export interface SpecDocument {
  paths: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, unknown> };
}

/** How an operation treats credentials, from its `security`. */
export type Access = 'anonymous' | 'required' | 'optional';

/** One operation of the spec, with what a request generator and an oracle need. */
export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  readonly tags: readonly string[];
  readonly access: Access;
  readonly parameters: readonly Parameter[];
  /** The JSON body schema and its examples, when the operation takes a body. */
  readonly body?: {
    readonly required: boolean;
    readonly schema: Schema;
    readonly examples: unknown[];
  };
  readonly responses: RawOperation['responses'];
  /** `x-required-scope`, where the spec declares one. */
  readonly scope?: string;
  readonly raw: RawOperation;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The committed spec, the contract the fuzz and the OWASP matrix hold the app to. */
export function loadCommittedSpec(file = 'openapi/openapi.json'): SpecDocument {
  return JSON.parse(readFileSync(file, 'utf8')) as SpecDocument;
}

export function operationsOf(doc: SpecDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method): Operation => {
      const raw = item[method];
      const json = raw.requestBody?.content['application/json'];
      const security = raw.security ?? [];
      const access: Access =
        security.length === 0 || security.every((need) => Object.keys(need).length === 0)
          ? 'anonymous'
          : security.some((need) => Object.keys(need).length === 0)
            ? 'optional'
            : 'required';
      return {
        method,
        path,
        operationId: raw.operationId,
        tags: raw.tags ?? [],
        access,
        parameters: raw.parameters ?? [],
        body: json?.schema
          ? {
              required: raw.requestBody?.required ?? false,
              schema: json.schema,
              examples: Object.values(json.examples ?? {}).map((example) => example.value),
            }
          : undefined,
        responses: raw.responses,
        scope: typeof raw['x-required-scope'] === 'string' ? raw['x-required-scope'] : undefined,
        raw,
      };
    }),
  );
}

/** `schema` with `$ref` and `allOf` resolved one level at a time (enough for generation). */
export function resolve(doc: SpecDocument, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolve(doc, doc.components?.schemas?.[name]);
  }
  if (schema.allOf) {
    const { allOf, ...rest } = schema;
    return allOf.reduce<Schema>(
      (merged, part) => {
        const resolved = resolve(doc, part);
        return {
          ...resolved,
          ...merged,
          properties: { ...resolved.properties, ...merged.properties },
          required: [...(resolved.required ?? []), ...(merged.required ?? [])],
        };
      },
      { ...rest },
    );
  }
  return schema;
}

/** The collection a path's `{id}` belongs to: `/api/v1/schedules/{id}/runs` → `schedules`. */
export function idCollection(path: string): string | undefined {
  const match = /\/([^/{}]+)\/\{[^}]+\}/.exec(path);
  return match?.[1];
}
