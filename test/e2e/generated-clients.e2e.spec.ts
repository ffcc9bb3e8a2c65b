import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient, followGeneration, unwrap } from '@image-forge/sdk';
import { startApp, type TestApp } from '../support/app.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
// OPENAPI_SPEC: try another spec (an older one, a draft) with the same programs.
const SPEC = resolve(process.env.OPENAPI_SPEC ?? join(ROOT, 'openapi/openapi.json'));
const WORK = join(ROOT, '.tmp', `generated-clients-${process.pid}`);
const bin = (path: string) => join(ROOT, 'node_modules', path);

/** Public images made before the programs run, so that the gallery has pages. */
const PUBLIC_IMAGES = 3;

/**
 * Two clients generated at test time from the committed spec, as a user outside this repo would
 * make them, each driving the real app through a small program (test/clients/):
 * - openapi-typescript with its default options, plus openapi-fetch;
 * - @hey-api/openapi-ts with its defaults (its fetch client, which sends the token only where
 *   the spec declares security).
 * Each program is type-checked under `strict` (a spec whose types make a plain call fail to
 * compile fails here), then run: register, generate with an empty body, follow the job, read my
 * private image (metadata, content, thumbnail), page the gallery, patch and delete, and keep a
 * paused schedule paused across a rename.
 */
const CLIENTS = {
  'openapi-typescript': {
    program: 'openapi-fetch.client.ts',
    generate: (out: string) =>
      // Run from the work dir: the CLI would otherwise lint with this repo's redocly.yaml.
      run(
        process.execPath,
        [bin('openapi-typescript/bin/cli.js'), SPEC, '-o', join(out, 'schema.ts')],
        { cwd: WORK },
      ),
  },
  'hey-api': {
    program: 'hey-api.client.ts',
    generate: (out: string) =>
      run(
        process.execPath,
        [bin('@hey-api/openapi-ts/bin/run.js'), '-i', SPEC, '-o', out, '--no-log-file', '-s'],
        { cwd: WORK },
      ),
  },
} as const;
type ClientName = keyof typeof CLIENTS;
const NAMES = Object.keys(CLIENTS) as ClientName[];

describe('clients generated from the committed spec', () => {
  let t: TestApp;
  let baseUrl: string;
  /** tsc's diagnostics, each `file(line,col): error TSnnnn: ...` with its detail lines. */
  let diagnostics: string[];

  beforeAll(async () => {
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    t = await startApp();
    baseUrl = await t.listen();
    await Promise.all([seedGallery(), buildPrograms()]);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    rmSync(WORK, { recursive: true, force: true });
  });

  async function seedGallery(): Promise<void> {
    const anonymous = createClient({ baseUrl });
    const session = unwrap(
      await anonymous.POST('/api/v1/auth/register', {
        body: { email: 'seeder@example.com', password: 'correct horse battery' },
      }),
    );
    const seeder = createClient({ baseUrl, token: () => session.accessToken });
    const job = unwrap(
      await seeder.POST('/api/v1/generations', { body: { n: PUBLIC_IMAGES, size: '256x256' } }),
    );
    let status = job.status;
    for await (const state of followGeneration(seeder, job.id)) status = state.status;
    expect(status).toBe('succeeded');
  }

  async function buildPrograms(): Promise<void> {
    writeFileSync(join(WORK, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(
      join(WORK, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['ES2023', 'DOM'],
          types: ['node'],
          skipLibCheck: true,
          rootDir: '.',
          outDir: 'out',
        },
        include: ['*/**/*.ts'],
      }),
    );
    await Promise.all(
      NAMES.map(async (name) => {
        const dir = join(WORK, name);
        mkdirSync(dir, { recursive: true });
        await CLIENTS[name].generate(join(dir, 'generated'));
        copyFileSync(join(ROOT, 'test/clients', CLIENTS[name].program), join(dir, 'main.ts'));
        copyFileSync(join(ROOT, 'test/clients/steps.ts'), join(dir, 'steps.ts'));
      }),
    );
    // One tsc run for both (strict; it also emits the JavaScript that the programs run as).
    const tsc = await run(
      process.execPath,
      [bin('typescript/bin/tsc'), '-p', WORK, '--pretty', 'false'],
      { cwd: WORK },
    ).catch((error: Error & { stdout?: string }) => ({ stdout: error.stdout || error.message }));
    // A diagnostic's detail lines are indented: keep them with it.
    diagnostics = tsc.stdout
      .split(/\n(?=\S)/)
      .map((d) => d.trim())
      .filter((d) => d !== '');
  }

  async function runProgram(name: ClientName): Promise<Record<string, string>> {
    const { stdout } = await run(process.execPath, [join(WORK, 'out', name, 'main.js')], {
      env: { ...process.env, BASE_URL: baseUrl, PUBLIC_IMAGES: String(PUBLIC_IMAGES) },
      timeout: 30_000,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, string>;
  }

  const ALL_OK = {
    register: 'ok',
    'generate with an empty body': 'ok',
    'follow the job until it succeeds': 'ok',
    'generate a private image': 'ok',
    'read my private image: metadata': 'ok',
    'read my private image: content': 'ok',
    'read my private image: thumbnail': 'ok',
    'page the public gallery': 'ok',
    'patch my image: tags': 'ok',
    'delete my image': 'ok',
    'create a paused schedule in Europe/Paris': 'ok',
    'rename it: still paused, still in Europe/Paris': 'ok',
  };

  describe.each(NAMES)('%s', (name) => {
    it('type-checks the program and the generated code under strict', () => {
      expect(diagnostics.filter((line) => line.startsWith(`${name}/`))).toEqual([]);
    });

    it('registers, generates, reads my private image, pages, patches, deletes, keeps a schedule paused', async () => {
      expect(await runProgram(name)).toEqual(ALL_OK);
    });
  });

  it('reports no type errors outside the programs either', () => {
    expect(diagnostics.filter((line) => !NAMES.some((n) => line.startsWith(`${n}/`)))).toEqual([]);
  });
});
