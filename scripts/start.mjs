// `npm start`: builds when dist/ is missing or older than the sources, then runs the service as a
// child process and sees it stopped.
//
// Why a child, and why this process watches its parent: npm 11 runs this as
// `npm` → `sh -c "node scripts/start.mjs"` → `node`. On SIGTERM (or SIGINT) npm signals its
// child, the shell; Debian's dash dies of it and passes nothing on, so a server running in this
// process was orphaned and kept serving after `kill <npm pid>`. This process therefore forwards
// SIGINT, SIGTERM and SIGHUP to the server, treats losing its parent (under npm) as SIGTERM, and
// exits the way the server did.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'dist', 'bundle', 'main.js');
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** What the build is made from (those that exist): a change to any of them means rebuilding. */
const SOURCES = [
  'src',
  'web/src',
  'web/index.html',
  'sdk/src',
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'scripts/bundle.mjs',
];

/** Newest mtime under `path` (a file or a folder); dot-files (editor swap files) don't count. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const item of readdirSync(path, { withFileTypes: true })) {
    if (item.name.startsWith('.') || item.name === 'node_modules') continue;
    latest = Math.max(latest, newest(join(path, item.name)));
  }
  return latest;
}

function stale() {
  if (!existsSync(entry)) return true;
  const built = statSync(entry).mtimeMs;
  return SOURCES.some((source) => newest(join(root, source)) > built);
}

/** `npm run build` (whatever it builds: the service, the dashboard), with the npm running us. */
function build() {
  process.stderr.write('Building (dist/bundle/main.js is missing or older than the sources)...\n');
  const npm = process.env.npm_execpath;
  const result = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' })
    : spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], {
        cwd: root,
        stdio: 'inherit',
        shell: process.platform === 'win32',
      });
  if (result.status !== 0) {
    process.stderr.write(
      `The build failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}); not starting.\n`,
    );
    process.exit(result.status || 1);
  }
}

if (stale()) build();

const server = spawn(process.execPath, [...process.execArgv, entry], {
  cwd: process.cwd(),
  stdio: 'inherit',
});

const forward = (signal) => {
  if (server.exitCode === null && server.signalCode === null) server.kill(signal);
};
for (const signal of SIGNALS) process.on(signal, forward);

// Under npm our parent is its shell; when that dies (see above) nobody else will stop the server.
// Only under npm: `nohup node scripts/start.mjs &` must outlive the shell that started it.
const parent = process.ppid;
const orphanWatch = process.env.npm_lifecycle_event
  ? setInterval(() => {
      if (process.ppid !== parent) {
        clearInterval(orphanWatch);
        forward('SIGTERM');
      }
    }, 250)
  : undefined;

server.on('error', (error) => {
  process.stderr.write(`Could not start the server: ${error.message}\n`);
  process.exit(1);
});

server.on('exit', (code, signal) => {
  clearInterval(orphanWatch);
  if (signal) {
    // End the way the server did, so that whoever waits on us (npm, a shell) sees the signal.
    for (const name of SIGNALS) process.removeAllListeners(name);
    process.kill(process.pid, signal);
    // A signal node does not die of by default: the shell's convention instead.
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 1000).unref();
  } else {
    process.exit(code ?? 1);
  }
});
