/**
 * `npm start` (scripts/start.mjs): builds when the build is missing or stale, runs the server, and
 * stops it when asked to by pid, whether the pid is npm's or node's.
 *
 * npm 11 runs the script as `npm` → `sh -c "node scripts/start.mjs"` → `node`. On SIGTERM npm
 * signals its child, the shell, and Debian's dash then dies without passing the signal on: a
 * server run inside that node process was orphaned and kept serving.
 *
 * The script runs here in a scratch project beside a stand-in server (a few lines of node:http
 * that shut down on a signal the way Nest's shutdown hooks do) and a stand-in build, so the test
 * exercises the script itself without compiling the service (seconds, and the tree being edited).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { waitFor } from '../support/wait.js';

const START_SCRIPT = new URL('../../scripts/start.mjs', import.meta.url).pathname;

/** The stand-in for dist/bundle/main.js: answers every path (so /health/live), stops on a signal. */
const FAKE_SERVER = `
import { createServer } from 'node:http';
import { appendFileSync } from 'node:fs';
const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ status: 'ok', pid: process.pid }));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log('LISTENING ' + server.address().port);
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    appendFileSync(process.env.SIGNALS_FILE, signal + '\\n');
    server.closeAllConnections();
    server.close(() => process.kill(process.pid, signal));
  });
}
`;

/** The stand-in for `npm run build`: writes the server, counts builds, fails on request. */
const FAKE_BUILD = `
import { appendFileSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
if (process.env.FAIL_BUILD) { console.error('build failed on purpose'); process.exit(3); }
appendFileSync('builds.log', 'built\\n');
mkdirSync('dist/bundle', { recursive: true });
writeFileSync('dist/bundle/main.js', readFileSync('server.mjs'));
`;

interface Started {
  readonly process: ChildProcess;
  readonly port: number;
  /** Pid of the server itself (the stand-in answers with it). */
  readonly serverPid: number;
  readonly output: () => string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The environment of a user's shell: none of the variables of the npm that may run Jest. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)),
  );
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', ...extra };
}

describe('npm start (scripts/start.mjs)', () => {
  let root: string;
  let signalsFile: string;
  let servers: number[];
  let runs: ChildProcess[];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'start-script-'));
    signalsFile = join(root, 'signals.log');
    servers = [];
    runs = [];
    mkdirSync(join(root, 'scripts'));
    copyFileSync(START_SCRIPT, join(root, 'scripts', 'start.mjs'));
    writeFileSync(
      join(root, 'package.json'),
      JSON.stringify({
        name: 'start-script-fixture',
        private: true,
        type: 'module',
        scripts: { build: 'node build.mjs', start: 'node scripts/start.mjs' },
      }),
    );
    writeFileSync(join(root, 'build.mjs'), FAKE_BUILD);
    writeFileSync(join(root, 'server.mjs'), FAKE_SERVER);
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'main.ts'), '// the sources\n');
    // Sources a while ago, so that a build made now is newer than all of them.
    setMtime('src/main.ts', -60);
    setMtime('package.json', -60);
  });

  afterEach(async () => {
    // Whatever a failed test left running is stopped by its pid.
    for (const pid of servers) if (alive(pid)) process.kill(pid, 'SIGKILL');
    for (const run of runs)
      if (run.exitCode === null && run.signalCode === null) run.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  function setMtime(path: string, secondsFromNow: number): void {
    const when = new Date(Date.now() + secondsFromNow * 1000);
    utimesSync(join(root, path), when, when);
  }

  const builds = (): number => {
    try {
      return readFileSync(join(root, 'builds.log'), 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };

  async function start(
    command: string,
    args: string[],
    env: Record<string, string> = {},
  ): Promise<Started> {
    const child = spawn(command, args, {
      cwd: root,
      env: cleanEnv({ PORT: '0', SIGNALS_FILE: signalsFile, ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    runs.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const port = await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`start exited ${child.exitCode}:\n${output}`);
        const match = /LISTENING (\d+)/.exec(output);
        return match ? Number(match[1]) : undefined;
      },
      'the server to listen',
      20_000,
      50,
    );
    const health = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(health.status).toBe(200);
    const { pid } = (await health.json()) as { pid: number };
    servers.push(pid);
    return { process: child, port, serverPid: pid, output: () => output };
  }

  async function expectStopped(started: Started): Promise<void> {
    await waitFor(
      async () => (!alive(started.serverPid) ? true : undefined),
      'the server process to end',
      10_000,
      50,
    );
    expect(await portOpen(started.port)).toBe(false);
    expect(readFileSync(signalsFile, 'utf8')).toContain('SIGTERM');
  }

  const exited = async (child: ChildProcess): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  };

  it('builds with `npm run build` when dist/bundle/main.js is missing, serves, and stops on SIGTERM to its pid', async () => {
    const started = await start(process.execPath, ['scripts/start.mjs']);
    expect(builds()).toBe(1);

    started.process.kill('SIGTERM');

    await exited(started.process);
    await expectStopped(started);
    expect(started.process.signalCode ?? started.process.exitCode).toBe('SIGTERM');
  });

  it('stops the server on SIGTERM to the pid of `npm start`', async () => {
    // Built already: this is about signals alone.
    execFileSync(process.execPath, ['build.mjs'], { cwd: root });
    const started = await start('npm', ['start']);
    expect(builds()).toBe(1);

    started.process.kill('SIGTERM');

    await exited(started.process);
    await expectStopped(started);
  });

  it('passes SIGINT and SIGHUP on too', async () => {
    for (const signal of ['SIGINT', 'SIGHUP'] as const) {
      const started = await start(process.execPath, ['scripts/start.mjs']);
      started.process.kill(signal);
      await exited(started.process);
      await waitFor(
        async () => (!alive(started.serverPid) ? true : undefined),
        'the server to end',
      );
      expect(readFileSync(signalsFile, 'utf8')).toContain(signal);
    }
  });

  it('rebuilds only when dist/bundle/main.js is older than a source, web or sdk file, the bundler, or package.json', async () => {
    const watched = [
      'src/main.ts',
      'src/deep/er/module.ts',
      'web/index.html',
      'web/src/app/page.tsx',
      'sdk/src/client.ts',
      'scripts/bundle.mjs',
      'package.json',
    ];
    for (const path of watched) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      if (!path.endsWith('.json')) writeFileSync(join(root, path), '//\n');
      setMtime(path, -60);
    }
    const run = async () => {
      const started = await start(process.execPath, ['scripts/start.mjs']);
      started.process.kill('SIGTERM');
      await exited(started.process);
    };
    await run();
    expect(builds()).toBe(1);
    // Built after every source: nothing to do.
    setMtime('dist/bundle/main.js', -30);
    await run();
    expect(builds()).toBe(1);

    for (const [i, path] of watched.entries()) {
      setMtime('dist/bundle/main.js', -30);
      setMtime(path, -10);
      await run();
      expect({ path, builds: builds() }).toEqual({ path, builds: i + 2 });
      setMtime(path, -60);
    }
  });

  it('stops, without starting anything, when the build fails', async () => {
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: root,
      env: cleanEnv({ PORT: '0', SIGNALS_FILE: signalsFile, FAIL_BUILD: '1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    runs.push(child);
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).not.toBe(0);
    expect(output).toContain('build failed on purpose');
    expect(output).not.toContain('LISTENING');
  });
});
