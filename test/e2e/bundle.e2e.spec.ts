/**
 * The production bundle (`dist/bundle/main.js`, scripts/bundle.mjs) is the service the tests run
 * in process: it serves the committed OpenAPI document (a class the bundler renamed would rename
 * its schema), makes an image in its worker (a file the bundle ships beside itself) and serves it,
 * holds one copy of NestJS (an installed @nestjs package imported from node_modules as well as
 * bundled would be a second one, with DI tokens of its own), and loads no adapter SDK at start.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseAst } from 'rolldown/parseAst';
import {
  buildService,
  startService,
  type BuiltService,
  type ServiceProcess,
} from '../support/built-service.js';
import { LAZY_PACKAGES } from '../support/lazy-packages.js';
import { waitFor } from '../support/wait.js';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('e2e: the production bundle (real process)', () => {
  let build: BuiltService;
  let service: ServiceProcess;
  /** Each of the bundle's files' syntax tree, parsed once, by file name. */
  let trees: Map<string, unknown>;
  /** What each of the bundle's files imports. */
  let imports: Map<string, string[]>;

  beforeAll(async () => {
    build = await buildService();
    service = await startService(build.bundle);
    trees = treesOfFiles(dirname(build.bundle));
    imports = loadsOfFiles(trees, false);
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
  });

  it('serves the committed OpenAPI document', async () => {
    const served = await (await fetch(`${service.url}/docs-json`)).json();
    expect(served).toEqual(JSON.parse(readFileSync(join(ROOT, 'openapi/openapi.json'), 'utf8')));
  });

  it('makes an image in its worker and serves the image and its thumbnail', async () => {
    const json = { 'content-type': 'application/json' };
    const session = (await (
      await fetch(`${service.url}/api/v1/auth/register`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email: 'bundle@example.com', password: 'correct horse battery' }),
      })
    ).json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${session.accessToken}` };
    const submitted = await fetch(`${service.url}/api/v1/generations`, {
      method: 'POST',
      headers: { ...json, ...auth },
      body: JSON.stringify({ size: '256x256' }),
    });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    const imageId = await waitFor(async () => {
      const job = (await (
        await fetch(`${service.url}/api/v1/generations/${id}`, { headers: auth })
      ).json()) as { status: string; imageIds: string[] };
      if (job.status === 'failed') throw new Error(`the job failed:\n${service.output()}`);
      return job.status === 'succeeded' ? job.imageIds[0] : undefined;
    }, 'the job to succeed');

    const image = await fetch(`${service.url}/api/v1/images/${imageId}/content`, { headers: auth });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await image.arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );

    const thumbnail = await fetch(`${service.url}/api/v1/images/${imageId}/thumbnail`, {
      headers: auth,
    });
    expect(thumbnail.status).toBe(200);
    const webp = Buffer.from(await thumbnail.arrayBuffer());
    expect(webp.toString('latin1', 8, 12)).toBe('WEBP');
  });

  it('imports no installed NestJS, es-toolkit or uuid module from node_modules: it bundles them', () => {
    const imported = new Set(
      [...imports.values()].flat().filter((specifier) => !/^[./]/.test(specifier)),
    );
    // It does import packages (it would not be what the test thinks it is otherwise).
    expect([...imported]).toEqual(expect.arrayContaining(['fastify', 'better-sqlite3', 'sharp']));
    const installed = [...imported].filter((specifier) => {
      const name = /^(@nestjs\/[^/]+|es-toolkit|uuid)(\/|$)/.exec(specifier)?.[1];
      return name !== undefined && existsSync(join(ROOT, 'node_modules', name, 'package.json'));
    });
    expect(installed).toEqual([]);
  });

  it('loads no adapter SDK, nor sharp, at start: each sits in a chunk imported when first used', () => {
    const staticLoads = loadsOfFiles(trees, true);
    const files = new Set<string>();
    const visit = (file: string) => {
      if (files.has(file)) return;
      files.add(file);
      for (const loaded of staticLoads.get(file) ?? []) {
        if (loaded.startsWith('./')) visit(loaded.slice(2));
      }
    };
    visit('main.js');
    const atStart = [...files].flatMap((file) => staticLoads.get(file) ?? []);
    // The packages every start needs are seen (the test would see an SDK the same way).
    expect(atStart).toEqual(expect.arrayContaining(['fastify', 'pino', 'class-validator']));
    const sdks = atStart.filter((loaded) =>
      LAZY_PACKAGES.some((name) => loaded === name || loaded.startsWith(`${name}/`)),
    );
    expect(sdks).toEqual([]);
  });

  it('imports only production packages, each the copy its importer finds: what the container keeps', () => {
    // The container runs the bundle after `npm prune --omit=dev`: a package the lockfile marks as
    // dev is not there, and a copy npm nested under its importer is found only by its path.
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
    };
    const dir = dirname(build.bundle);
    const notForProduction: string[] = [];
    for (const [file, specifiers] of imports) {
      for (const specifier of specifiers) {
        let packagePath: string | undefined;
        if (specifier.startsWith('.')) {
          const path = join(dir, specifier);
          // The bundle's own chunks (this build sits under node_modules/.cache/) are not packages.
          if (path.startsWith(dir + sep)) continue;
          packagePath = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)/.exec(relative(ROOT, path))?.[1];
        } else if (!specifier.startsWith('node:') && !isBuiltin(specifier)) {
          const name = /^(@[^/]+\/[^/]+|[^/]+)/.exec(specifier)![1];
          // Not installed: an optional package its importer asks for only when configured to.
          if (existsSync(join(ROOT, 'node_modules', name, 'package.json'))) {
            packagePath = `node_modules/${name}`;
          }
        }
        const locked = packagePath === undefined ? undefined : lock.packages[packagePath];
        if (packagePath !== undefined && (!locked || locked.dev || locked.devOptional)) {
          notForProduction.push(`${file}: ${specifier}`);
        }
      }
    }
    expect(notForProduction).toEqual([]);
  });
});

/** The syntax tree of each JavaScript file in `dir`, by file name. */
function treesOfFiles(dir: string): Map<string, unknown> {
  return new Map(
    readdirSync(dir)
      .filter((name) => /\.m?js$/.test(name))
      .map((name) => [
        name,
        parseAst(readFileSync(join(dir, name), 'utf8'), { sourceType: 'module' }) as unknown,
      ]),
  );
}

/** What each file loads (see `importsOf`), by file name. */
function loadsOfFiles(trees: Map<string, unknown>, atStart: boolean): Map<string, string[]> {
  return new Map([...trees].map(([name, tree]) => [name, importsOf(tree, atStart)]));
}

interface AstNode {
  type?: string;
  name?: string;
  value?: unknown;
  source?: AstNode;
  callee?: AstNode;
  arguments?: AstNode[];
}

/**
 * What a module loads: its import and export-from declarations, its `import("…")` calls, and its
 * `createRequire(import.meta.url)("…")` calls (how the bundle loads CommonJS packages). With
 * `atStart`, what loading the module loads: not the `import("…")` calls inside functions (the
 * adapters' imports when first used), but a top-level `await import("…")`, and every `require`.
 */
function importsOf(
  node: unknown,
  atStart: boolean,
  found: string[] = [],
  inFunction = false,
): string[] {
  if (Array.isArray(node)) {
    for (const item of node) importsOf(item, atStart, found, inFunction);
  } else if (node && typeof node === 'object') {
    const { type, source, callee, arguments: args } = node as AstNode;
    if (atStart && inFunction && type === 'ImportExpression') return found;
    const required =
      type === 'CallExpression' && callee?.callee?.name === 'createRequire' ? args?.[0] : undefined;
    const loaded =
      type !== undefined &&
      /^(Import(Declaration|Expression)|Export(All|Named)Declaration)$/.test(type)
        ? source
        : required;
    if (loaded?.type === 'Literal' && typeof loaded.value === 'string') found.push(loaded.value);
    const inside = inFunction || (type !== undefined && /Function/.test(type));
    for (const value of Object.values(node)) importsOf(value, atStart, found, inside);
  }
  return found;
}
