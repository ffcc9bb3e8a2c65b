/**
 * The service as production runs it, built from the working tree's sources (dist/ may be stale)
 * the way `npm run build` builds it, and a real process of it, started on a scratch data dir.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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
}

const CACHE = join(ROOT, 'node_modules', '.cache');
/**
 * What a build is made of: a change to any of these is another build (the lockfile: the bundle
 * reads the installed packages' exports and paths).
 */
const INPUTS = [
  'src',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'scripts/bundle.mjs',
  'package-lock.json',
];

/** A digest of the build's inputs (each file's path and bytes), so a build is reused only as is. */
function inputsDigest(): string {
  const hash = createHash('sha256');
  const add = (path: string): void => {
    if (statSync(join(ROOT, path)).isDirectory()) {
      for (const entry of readdirSync(join(ROOT, path)).sort()) add(join(path, entry));
    } else {
      hash
        .update(`${path}\0`)
        .update(readFileSync(join(ROOT, path)))
        .update('\0');
    }
  };
  for (const input of INPUTS) add(input);
  return hash.digest('hex').slice(0, 16);
}

/**
 * The service as `npm run build` builds it, from the working tree as it is now, built once for
 * every suite that runs it (a build is ~30 s of a core): into `node_modules/.cache/service-<digest
 * of the sources>/` (no package scope applies there), which a later run reuses while the sources
 * are the same. Test workers asking at once: one builds, the others wait for it.
 */
export async function buildService(): Promise<BuiltService> {
  const dir = join(CACHE, `service-${inputsDigest()}`);
  const built = { out: join(dir, 'out'), bundle: join(dir, 'out', 'bundle', 'main.js') };
  const lock = `${dir}.lock`;
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    if (existsSync(built.bundle)) return built;
    try {
      mkdirSync(lock);
    } catch {
      // Another worker builds it; a lock left by a killed run is taken over after 5 minutes.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0;
      if (Date.now() - since < 300_000) await new Promise((resolve) => setTimeout(resolve, 250));
      else rmSync(lock, { recursive: true, force: true });
      continue;
    }
    try {
      if (!existsSync(built.bundle)) await buildInto(dir);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * `nest build` (with the swagger plugin, and the image worker copied beside its pool) into a
 * scratch folder beside `dir`, then scripts/bundle.mjs, then renamed to `dir`: nobody sees half a
 * build. Earlier builds (of other sources) are removed.
 */
async function buildInto(dir: string): Promise<void> {
  const scratch = `${dir}.${process.pid}.tmp`;
  const out = join(scratch, 'out');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  writeFileSync(
    join(scratch, 'tsconfig.json'),
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
      relative(ROOT, join(scratch, 'tsconfig.json')),
    ],
    { cwd: ROOT },
  ).catch(() => undefined);
  if (!existsSync(join(out, 'main.js'))) throw new Error(`nest build wrote no ${out}/main.js`);
  // Under node_modules/ no package scope applies: say that these files are ES modules.
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  // The bundle's paths to nested packages are relative: `scratch` and `dir` are at one depth.
  await run(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), out, join(out, 'bundle')], {
    cwd: ROOT,
  });
  for (const entry of readdirSync(CACHE)) {
    if (/^service-[0-9a-f]{16}(\.\d+\.tmp)?$/.test(entry) && join(CACHE, entry) !== scratch) {
      rmSync(join(CACHE, entry), { recursive: true, force: true });
    }
  }
  renameSync(scratch, dir);
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
