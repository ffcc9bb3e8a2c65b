import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { findBreakingChanges, judge, parseApproved } from '../scripts/openapi-breaking.mjs';

type Schema = Record<string, unknown>;
// Hand-made OpenAPI documents, edited in place by each case: typing them would only add noise.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

/**
 * A small spec: POST /things (body CreateThing → Thing) and GET /things/{id} (Thing), with a
 * `limit` query parameter; `change` edits a deep copy.
 */
function spec(change: (doc: Doc) => void = () => undefined): Doc {
  const doc: Doc = {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/things': {
        post: {
          operationId: 'createThing',
          security: [{ bearer: [] }],
          requestBody: {
            required: false,
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/CreateThing' } },
            },
          },
          responses: {
            '201': {
              description: 'made',
              headers: { Location: { required: true, schema: { type: 'string' } } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
            },
            '400': { description: 'bad' },
          },
        },
        get: {
          operationId: 'listThings',
          security: [],
          parameters: [
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer' } },
            { name: 'q', in: 'query', required: false, schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description: 'page',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      items: { type: 'array', items: { $ref: '#/components/schemas/Thing' } },
                    },
                    required: ['items'],
                  },
                },
              },
            },
          },
        },
      },
      '/things/{id}': {
        get: {
          operationId: 'getThing',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'one',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Color: { type: 'string', enum: ['red', 'green'] },
        CreateThing: {
          type: 'object',
          properties: {
            name: { type: 'string', maxLength: 100 },
            color: { $ref: '#/components/schemas/Color' },
            size: { type: 'number' },
            note: { type: 'string', nullable: true },
          },
        },
        Thing: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            color: { allOf: [{ $ref: '#/components/schemas/Color' }], description: 'its color' },
            count: { type: 'integer' },
            size: { type: 'number' },
            note: { type: 'string' },
          },
          required: ['id', 'name', 'color', 'count', 'size'],
        },
      },
    },
  };
  const copy = structuredClone(doc);
  change(copy);
  return copy;
}

const schemas = (doc: Doc) =>
  doc.components.schemas as Record<string, Schema & { properties: Record<string, Schema> }>;
const ids = (change: (doc: Doc) => void) =>
  findBreakingChanges(spec(), spec(change)).map((c) => c.id);

describe('openapi breaking-change guard', () => {
  it('finds nothing between a spec and itself', () => {
    expect(findBreakingChanges(spec(), spec())).toEqual([]);
  });

  describe('each breaking rule', () => {
    const cases: [string, (doc: Doc) => void, string[]][] = [
      ['a removed path', (d) => delete d.paths['/things/{id}'], ['path-removed /things/{id}']],
      [
        'a removed operation',
        (d) => delete d.paths['/things'].get,
        ['operation-removed GET /things'],
      ],
      [
        'a renamed operationId',
        (d) => (d.paths['/things/{id}'].get.operationId = 'readThing'),
        ['operation-id-changed GET /things/{id} getThing->readThing'],
      ],
      [
        'a public operation that now needs a token',
        (d) => (d.paths['/things'].get.security = [{ bearer: [] }]),
        ['security-required GET /things'],
      ],
      [
        'a request body that becomes required',
        (d) => (d.paths['/things'].post.requestBody.required = true),
        ['request-body-became-required POST /things'],
      ],
      [
        'a new required request body',
        (d) =>
          (d.paths['/things/{id}'].get.requestBody = {
            required: true,
            content: { 'application/json': { schema: { type: 'object' } } },
          }),
        ['request-body-added-required GET /things/{id}'],
      ],
      [
        'a request media type removed',
        (d) => {
          const body = d.paths['/things'].post.requestBody;
          body.content = { 'application/xml': body.content['application/json'] };
        },
        ['request-body-media-type-removed POST /things application/json'],
      ],
      [
        'a new required request property',
        (d) => {
          schemas(d).CreateThing.properties.owner = { type: 'string' };
          schemas(d).CreateThing.required = ['owner'];
        },
        ['request-property-added-required POST /things body.owner'],
      ],
      [
        'a request property that becomes required',
        (d) => (schemas(d).CreateThing.required = ['name']),
        ['request-property-became-required POST /things body.name'],
      ],
      [
        'a removed request property (unknown properties are refused)',
        (d) => delete schemas(d).CreateThing.properties.size,
        ['request-property-removed POST /things body.size'],
      ],
      [
        'a new required parameter',
        (d) => {
          d.paths['/things'].get.parameters.push({
            name: 'Tenant',
            in: 'header',
            required: true,
            schema: { type: 'string' },
          });
        },
        ['request-parameter-added-required GET /things header.tenant'],
      ],
      [
        'a parameter that becomes required',
        (d) => (d.paths['/things'].get.parameters[0].required = true),
        ['request-parameter-became-required GET /things query.limit'],
      ],
      [
        'a removed parameter',
        (d) => {
          d.paths['/things'].get.parameters.pop();
        },
        ['request-parameter-removed GET /things query.q'],
      ],
      [
        'a request type narrowed (number → integer)',
        (d) => (schemas(d).CreateThing.properties.size = { type: 'integer' }),
        ['request-property-type-changed POST /things body.size number->integer'],
      ],
      [
        'a parameter type changed',
        (d) => (d.paths['/things'].get.parameters[1].schema = { type: 'integer' }),
        ['request-parameter-type-changed GET /things query.q string->integer'],
      ],
      [
        'a request enum value removed (through a $ref)',
        (d) => (schemas(d).Color.enum = ['red']),
        // Color is also read (Thing.color); removing a value there is harmless.
        ['request-property-enum-value-removed POST /things body.color green'],
      ],
      [
        'an enum added to a free request string',
        (d) => (schemas(d).CreateThing.properties.name = { type: 'string', enum: ['a', 'b'] }),
        ['request-property-enum-added POST /things body.name'],
      ],
      [
        'a request limit narrowed',
        (d) => (schemas(d).CreateThing.properties.name = { type: 'string', maxLength: 50 }),
        ['request-property-maxLength-narrowed POST /things body.name 100->50'],
      ],
      [
        'a new request pattern',
        (d) => (d.paths['/things'].get.parameters[1].schema.pattern = '^[a-z]+$'),
        ['request-parameter-pattern-changed GET /things query.q ^[a-z]+$'],
      ],
      [
        'a request property that no longer accepts null',
        (d) => (schemas(d).CreateThing.properties.note = { type: 'string' }),
        ['request-property-became-not-nullable POST /things body.note'],
      ],
      [
        'a removed response property',
        (d) => delete schemas(d).Thing.properties.note,
        [
          'response-property-removed GET /things response.200.items[].note',
          'response-property-removed GET /things/{id} response.200.note',
          'response-property-removed POST /things response.201.note',
        ],
      ],
      [
        'a response property that may now be absent',
        (d) => (schemas(d).Thing.required = ['id', 'color', 'count', 'size']),
        [
          'response-property-became-optional GET /things response.200.items[].name',
          'response-property-became-optional GET /things/{id} response.200.name',
          'response-property-became-optional POST /things response.201.name',
        ],
      ],
      [
        'a response type widened (integer → number)',
        (d) => (schemas(d).Thing.properties.count = { type: 'number' }),
        [
          'response-property-type-changed GET /things response.200.items[].count integer->number',
          'response-property-type-changed GET /things/{id} response.200.count integer->number',
          'response-property-type-changed POST /things response.201.count integer->number',
        ],
      ],
      [
        'a response property that may now be null',
        (d) => (schemas(d).Thing.properties.name = { type: 'string', nullable: true }),
        [
          'response-property-became-nullable GET /things response.200.items[].name',
          'response-property-became-nullable GET /things/{id} response.200.name',
          'response-property-became-nullable POST /things response.201.name',
        ],
      ],
      [
        'a response enum value added (through allOf and $ref)',
        (d) => (schemas(d).Color.enum = ['red', 'green', 'blue']),
        [
          'response-property-enum-value-added GET /things response.200.items[].color blue',
          'response-property-enum-value-added GET /things/{id} response.200.color blue',
          'response-property-enum-value-added POST /things response.201.color blue',
        ],
      ],
      [
        'a response body type changed',
        (d) =>
          (d.paths['/things/{id}'].get.responses['200'].content['application/json'].schema = {
            type: 'string',
          }),
        ['response-body-type-changed GET /things/{id} response.200 object->string'],
      ],
      [
        'a removed success status',
        (d) => {
          const { responses } = d.paths['/things'].post;
          responses['200'] = responses['201'];
          delete responses['201'];
        },
        ['response-status-removed POST /things 201'],
      ],
      [
        'a removed success media type',
        (d) => {
          const ok = d.paths['/things/{id}'].get.responses['200'];
          ok.content = { 'application/xml': ok.content['application/json'] };
        },
        ['response-media-type-removed GET /things/{id} 200 application/json'],
      ],
      [
        'a removed response header',
        (d) => delete d.paths['/things'].post.responses['201'].headers,
        ['response-header-removed POST /things 201 Location'],
      ],
    ];
    it.each(cases)('%s', (_name, change, expected) => {
      expect(ids(change)).toEqual(expected);
    });
  });

  it('follows schemas that contain themselves', () => {
    const tree = (change: (node: Schema & { properties: Record<string, Schema> }) => void) =>
      spec((d) => {
        const node = {
          type: 'object',
          properties: {
            label: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/components/schemas/Node' } },
          },
        };
        change(node);
        schemas(d).Node = node;
        schemas(d).Thing.properties.tree = { $ref: '#/components/schemas/Node' };
      });
    const changes = findBreakingChanges(
      tree(() => undefined),
      tree((node) => delete node.properties.label),
    );
    expect(changes.map((c) => c.id)).toEqual([
      'response-property-removed GET /things response.200.items[].tree.label',
      'response-property-removed GET /things/{id} response.200.tree.label',
      'response-property-removed POST /things response.201.tree.label',
    ]);
  });

  it('lets non-breaking changes pass', () => {
    const changes = findBreakingChanges(
      spec(),
      spec((d) => {
        // New things a client does not have to know about.
        d.paths['/things'].put = { operationId: 'replaceThings', responses: { '200': {} } };
        d.paths['/things'].get.parameters.push({ name: 'tag', in: 'query', schema: {} });
        schemas(d).CreateThing.properties.tags = { type: 'array', items: { type: 'string' } };
        schemas(d).Thing.properties.tags = { type: 'array', items: { type: 'string' } };
        // Widening what is accepted, narrowing what is answered.
        d.paths['/things'].get.security = [{}, { bearer: [] }];
        d.paths['/things'].post.requestBody.content['application/json'].schema = {
          $ref: '#/components/schemas/CreateThingV2',
        };
        schemas(d).CreateThingV2 = structuredClone(schemas(d).CreateThing);
        schemas(d).CreateThingV2.properties.name = { type: 'string', maxLength: 200 };
        schemas(d).CreateThingV2.properties.size = { type: 'number', nullable: true };
        schemas(d).Thing.properties.size = { type: 'integer' };
        schemas(d).Thing.required = [...(schemas(d).Thing.required as string[]), 'note'];
        // Errors may change, docs may change, a path parameter may be renamed.
        delete d.paths['/things'].post.responses['400'];
        schemas(d).Thing.properties.id = { type: 'string', description: 'The id.' };
        d.paths['/things/{thingId}'] = d.paths['/things/{id}'];
        delete d.paths['/things/{id}'];
        d.paths['/things/{thingId}'].get.parameters[0].name = 'thingId';
      }),
    );
    expect(changes).toEqual([]);
  });

  it('passes approved changes, and names approvals that match nothing', () => {
    const changes = findBreakingChanges(
      spec(),
      spec((d) => {
        d.paths['/things'].post.requestBody.required = true;
        delete d.paths['/things/{id}'];
      }),
    );
    const approved = parseApproved(
      [
        '# approved since the baseline',
        '',
        'request-body-became-required POST /things   # every client sends one',
        'operation-removed DELETE /gone',
      ].join('\n'),
    );
    expect(judge(changes, approved)).toEqual({
      breaking: [{ id: 'path-removed /things/{id}', message: '/things/{id} was removed' }],
      approved: [
        {
          id: 'request-body-became-required POST /things',
          message: 'POST /things: the request body became required',
        },
      ],
      stale: ['operation-removed DELETE /gone'],
    });
  });

  it('fails from the command line until the change is approved', async () => {
    const run = promisify(execFile);
    const dir = mkdtempSync(join(tmpdir(), 'openapi-breaking-'));
    try {
      const file = (name: string, text: string) => {
        writeFileSync(join(dir, name), text);
        return join(dir, name);
      };
      const args = [
        'scripts/openapi-breaking.mjs',
        '--base',
        file('base.json', JSON.stringify(spec())),
        '--revision',
        file(
          'revision.json',
          JSON.stringify(spec((d) => (d.paths['/things'].get.parameters[0].required = true))),
        ),
        '--approved',
        join(dir, 'approved.txt'),
      ];
      const refused = await run(process.execPath, args).catch((e: unknown) => e);
      expect(refused).toMatchObject({
        code: 1,
        stdout: expect.stringContaining(
          'BREAKING  request-parameter-became-required GET /things query.limit\n',
        ),
      });
      file('approved.txt', 'request-parameter-became-required GET /things query.limit\n');
      const accepted = await run(process.execPath, args);
      expect(accepted.stdout).toContain('0 breaking change(s), 1 approved.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
