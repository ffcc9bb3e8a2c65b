/**
 * The service as production runs it, built from the working tree's sources (dist/ may be stale)
 * the way `npm run build` builds it: `nest build` (with the swagger plugin, and the image worker
 * copied beside its pool) into a scratch folder, then scripts/bundle.mjs. And a real process of it,
 * started on a scratch data dir.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { CHEAP_PASSWORD_HASHES, THROTTLING_OFF } from './test-env.js';
import { waitFor } from './wait.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

export interface BuiltService {
  /** tsc's output (`dist/` of `npm run build`): its modules, importable one by one. */
  readonly out: string;
  /** The bundle's entry (`dist/bundle/main.js`): what `npm start` and the container run. */
  readonly bundle: string;
  /** Removes the build. */
  readonly remove: () => void;
}

/** Builds the service into `node_modules/.cache/<name>-<pid>/` (no package scope applies there). */
export async function buildService(name: string): Promise<BuiltService> {
  const dir = join(ROOT, 'node_modules', '.cache', `${name}-${process.pid}`);
  const out = join(dir, 'out');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.build.json'),
      compilerOptions: { outDir: out, sourceMap: false },
    }),
  );
  // nest-cli.json (the swagger plugin, the worker asset) is read from the working directory.
  // Type errors elsewhere in a tree being edited do not stop the emit; a missing main.js does.
  await run(
    process.execPath,
    [
      join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'),
      'build',
      '-p',
      relative(ROOT, join(dir, 'tsconfig.json')),
    ],
    { cwd: ROOT },
  ).catch(() => undefined);
  if (!existsSync(join(out, 'main.js'))) throw new Error(`nest build wrote no ${out}/main.js`);
  // Under node_modules/ no package scope applies: say that these files are ES modules.
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  const bundleDir = join(out, 'bundle');
  await run(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), out, bundleDir], { cwd: ROOT });
  return {
    out,
    bundle: join(bundleDir, 'main.js'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly dataDir: string;
  /** Everything it wrote to stdout and stderr so far. */
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills it if it still runs, and removes its data dir. */
  readonly stop: () => Promise<void>;
}

/** Starts `entry` on embedded defaults, a scratch data dir and a free port, logging at info. */
export async function startService(
  entry: string,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'image-forge-built-'));
  // Not Jest's VM-modules flag, nor a hang the test did not ask for.
  const inherited = { ...process.env };
  delete inherited.NODE_OPTIONS;
  delete inherited.IMAGE_WORKER_TEST_HANG;
  const child = spawn(process.execPath, [entry], {
    cwd: dataDir,
    env: {
      ...inherited,
      ...THROTTLING_OFF,
      ...CHEAP_PASSWORD_HASHES,
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      GENERATION_POLL_MS: '100',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': the last lines it wrote are read by then.
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const port = await waitFor(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error('the service exited before listening');
      }
      return /listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
    },
    'the server to listen',
    30_000,
  ).catch(async (error: unknown) => {
    await stop();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}; it wrote:\n${output}`,
    );
  });
  return { child, url: `http://127.0.0.1:${port}`, dataDir, output: () => output, exited, stop };
}
