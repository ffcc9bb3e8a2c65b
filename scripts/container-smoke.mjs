// `npm run container:smoke`: proves docker/Dockerfile without a Docker engine. Builds the image
// with buildah, runs it with podman, waits for /health/ready, checks the HEALTHCHECK, the user and
// the init process, makes one generation through the API (register, login, POST
// /api/v1/generations with the offline provider, poll, fetch the PNG), sends SIGTERM and checks a
// clean exit within a bound, then starts a second container on the same data volume and finds the
// image again. Prints the image size; exits non-zero on any failure. Slow (minutes on a first
// build), so it is not part of `npm test`.
//
// Env:
//   NODE_IMAGE              the base image (build arg); default: the Dockerfile's public
//                           node:20-bookworm-slim if it can be pulled, else localhost/node-base,
//                           made by docker/node-base.sh when missing (debootstrap, root)
//   CONTAINER_SMOKE_IMAGE   the tag to build (localhost/image-forge:smoke)
//   CONTAINER_RUNTIME       podman's OCI runtime (default: podman's own, runc if that one fails)
//   CONTAINER_SMOKE_KEEP=1  keep the containers and the volume for a look afterwards
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = new URL('..', import.meta.url).pathname;
const PUBLIC_BASE = 'docker.io/library/node:20-bookworm-slim';
const LOCAL_BASE = 'localhost/node-base';
const IMAGE = process.env.CONTAINER_SMOKE_IMAGE || 'localhost/image-forge:smoke';
const KEEP = process.env.CONTAINER_SMOKE_KEEP === '1';
const SHUTDOWN_GRACE_MS = 10_000;
/** The bound for a clean stop: the grace plus two seconds; an idle service needs less. */
const STOP_BOUND_MS = SHUTDOWN_GRACE_MS + 2_000;
const READY_TIMEOUT_MS = 120_000;
const JOB_TIMEOUT_MS = 120_000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const started = Date.now();
const tag = `image-forge-smoke-${process.pid}`;
const volume = `${tag}-data`;
const containers = [];
let runFlags = [];

class SmokeError extends Error {}

function elapsed(since = started) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function step(message) {
  process.stdout.write(`[${elapsed()}] ${message}\n`);
}

function fail(message) {
  throw new SmokeError(message);
}

/** Runs a command to its end; its output, or a SmokeError with its stderr unless `allowFail`. */
function run(command, args, { allowFail = false, timeout, input } = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout, input });
  if (result.error) {
    if (allowFail) return { ok: false, stdout: '', stderr: String(result.error) };
    fail(`${command} ${args.join(' ')}: ${result.error.message}`);
  }
  const ok = result.status === 0;
  if (!ok && !allowFail) {
    fail(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr.trim()}`);
  }
  return { ok, status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

/** This process's hard limit for a resource (`Max open files`...), from /proc/self/limits. */
function hardLimit(name) {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(name));
  const hard = line?.slice(name.length).trim().split(/\s+/)[1];
  return hard === undefined || hard === 'unlimited' ? Infinity : Number(hard);
}

function checkTools() {
  const missing = ['buildah', 'podman'].filter((tool) => !has(tool));
  if (missing.length > 0) {
    fail(
      `${missing.join(' and ')} not found. On Debian: apt-get update && ` +
        'apt-get install -y buildah podman debootstrap runc (no Docker engine needed)',
    );
  }
  step(`${run('buildah', ['--version']).stdout}; ${run('podman', ['--version']).stdout}`);
}

/** The base: NODE_IMAGE if set; the public one if it can be pulled; else the local one. */
function chooseBase() {
  const wanted = process.env.NODE_IMAGE;
  if (wanted && wanted !== LOCAL_BASE) {
    if (!run('podman', ['image', 'exists', wanted], { allowFail: true }).ok) {
      run('podman', ['pull', '--quiet', wanted], { timeout: 300_000 });
    }
    return wanted;
  }
  if (!wanted) {
    if (run('podman', ['image', 'exists', PUBLIC_BASE], { allowFail: true }).ok) {
      return PUBLIC_BASE;
    }
    const pull = run('podman', ['pull', '--quiet', PUBLIC_BASE], {
      allowFail: true,
      timeout: 120_000,
    });
    if (pull.ok) return PUBLIC_BASE;
    step(`${PUBLIC_BASE} cannot be pulled here (${lastLine(pull.stderr)}): using ${LOCAL_BASE}`);
  }
  if (!run('podman', ['image', 'exists', LOCAL_BASE], { allowFail: true }).ok) {
    if (!has('debootstrap')) {
      fail(
        `${LOCAL_BASE} is missing and debootstrap is not installed to make it: ` +
          'apt-get install -y debootstrap, or set NODE_IMAGE to a Node 20.19+ image you have',
      );
    }
    step(`making ${LOCAL_BASE} (docker/node-base.sh)`);
    const made = spawnSync(join(root, 'docker/node-base.sh'), [], { cwd: root, stdio: 'inherit' });
    if (made.status !== 0) fail(`docker/node-base.sh failed (exit ${made.status})`);
  }
  return LOCAL_BASE;
}

function lastLine(text) {
  return text.trim().split('\n').at(-1) ?? '';
}

/** The CA bundle npm trusts here (a TLS-inspecting proxy's), handed to the build as a secret. */
function npmCaFile() {
  const fromEnv = process.env.NODE_EXTRA_CA_CERTS;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const fromNpm = run('npm', ['config', 'get', 'cafile'], { allowFail: true }).stdout;
  return fromNpm && fromNpm !== 'null' && existsSync(fromNpm) ? fromNpm : undefined;
}

/**
 * Resource limits for `buildah build` and `podman run`: podman's defaults (nofile 1048576, nproc
 * above what podman leaves itself) need CAP_SYS_RESOURCE to raise past this process's hard limits,
 * which a sandbox may not grant ("setrlimit RLIMIT_NOFILE: Operation not permitted").
 */
function ulimitFlags() {
  const nofile = Math.min(hardLimit('Max open files'), 1_048_576);
  const nproc = Math.min(hardLimit('Max processes'), 32_768);
  return ['--ulimit', `nofile=${nofile}:${nofile}`, '--ulimit', `nproc=${nproc}:${nproc}`];
}

/**
 * Flags that let `podman run` start a container here. crun (Debian's default) refuses a cgroup v1
 * host with a cgroup v2 hierarchy holding controllers ("cgroups in hybrid mode not supported");
 * runc accepts it. Without systemd, podman cannot set up health check timers: the check is run
 * by hand (`podman healthcheck run`) instead.
 */
function chooseRunFlags(base) {
  const common = ulimitFlags();
  if (!existsSync('/run/systemd/system')) common.push('--health-interval=disable');
  const runtimes = process.env.CONTAINER_RUNTIME
    ? [process.env.CONTAINER_RUNTIME]
    : [undefined, ...(has('runc') ? ['runc'] : [])];
  const errors = [];
  for (const runtime of runtimes) {
    const flags = [...(runtime ? ['--runtime', runtime] : []), ...common];
    const probe = run('podman', ['run', '--rm', ...flags, '--entrypoint', 'true', base], {
      allowFail: true,
      timeout: 60_000,
    });
    if (probe.ok) return flags;
    errors.push(`${runtime ?? 'default runtime'}: ${lastLine(probe.stderr)}`);
  }
  fail(
    `podman cannot run a container here:\n  ${errors.join('\n  ')}\n` +
      (has('runc') ? '' : 'Try: apt-get install -y runc (crun refuses hybrid cgroup hosts)'),
  );
}

/** buildah build, its output in .tmp/container-smoke-build.log and its steps on stdout. */
async function build(base) {
  const caFile = npmCaFile();
  const args = [
    'build',
    // No OCI runtime (and no cgroups) for RUN steps; the network is the host's.
    '--isolation',
    'chroot',
    ...ulimitFlags().slice(0, 2),
    // The docker format keeps HEALTHCHECK (the OCI format has no field for it).
    '--format',
    'docker',
    '--layers',
    '--build-arg',
    `NODE_IMAGE=${base}`,
    ...(caFile ? ['--secret', `id=npm_ca,src=${caFile}`] : []),
    '-f',
    'docker/Dockerfile',
    '-t',
    IMAGE,
    '.',
  ];
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const logPath = join(root, '.tmp', 'container-smoke-build.log');
  const log = createWriteStream(logPath);
  step(
    `buildah ${args.join(' ')}\n  (log: ${logPath}; a first build takes minutes, later ones reuse layers)`,
  );
  const since = Date.now();
  const child = spawn('buildah', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let pending = '';
  const tail = [];
  const onData = (chunk) => {
    log.write(chunk);
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (/^\[\d\/\d\] STEP|^STEP/.test(line)) step(`  ${line.slice(0, 110)}`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const status = await new Promise((resolve) => child.on('close', resolve));
  log.end();
  if (status !== 0) fail(`the build failed (exit ${status}); its end:\n${tail.join('\n')}`);
  step(`built ${IMAGE} in ${elapsed(since)}`);
}

function imageSize(image) {
  return Number(run('podman', ['image', 'inspect', image, '--format', '{{.Size}}']).stdout);
}

function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

function logs(name, lines = 30) {
  return run('podman', ['logs', '--tail', String(lines), name], { allowFail: true });
}

/** Starts the image on the data volume; its base URL on a free loopback port. */
function start(name, jwtSecret) {
  run('podman', [
    'run',
    '--detach',
    '--name',
    name,
    ...runFlags,
    '--env',
    `JWT_SECRET=${jwtSecret}`,
    '--env',
    `SHUTDOWN_GRACE_MS=${SHUTDOWN_GRACE_MS}`,
    '--volume',
    `${volume}:/data`,
    '--publish',
    '127.0.0.1::3000',
    IMAGE,
  ]);
  containers.push(name);
  const port = run('podman', ['port', name, '3000/tcp']).stdout.split('\n')[0];
  return `http://${port}`;
}

function state(name) {
  const [running, exitCode] = run('podman', [
    'inspect',
    name,
    '--format',
    '{{.State.Running}} {{.State.ExitCode}}',
  ]).stdout.split(' ');
  return { running: running === 'true', exitCode: Number(exitCode) };
}

async function waitReady(name, base) {
  const since = Date.now();
  while (Date.now() - since < READY_TIMEOUT_MS) {
    if (!state(name).running) {
      fail(`${name} exited (${state(name).exitCode}) before it was ready`);
    }
    try {
      const response = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return step(`${name}: /health/ready 200 after ${elapsed(since)}`);
    } catch {
      // Not listening yet.
    }
    await sleep(500);
  }
  fail(`${name}: /health/ready did not answer 200 within ${READY_TIMEOUT_MS / 1000} s`);
}

async function api(base, method, path, { token, body } = {}) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) fail(`${method} /api/v1${path}: ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

async function fetchPng(base, imageId, token) {
  const response = await fetch(`${base}/api/v1/images/${imageId}/content`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) fail(`image ${imageId} content: ${response.status}`);
  if (!response.headers.get('content-type')?.startsWith('image/png')) {
    fail(`image ${imageId} content type: ${response.headers.get('content-type')}`);
  }
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) fail(`image ${imageId} is not a PNG`);
  return bytes.length;
}

/** In-container facts: not root, and PID 1 is the init process (tini), not Node. */
function checkProcess(name) {
  const uid = run('podman', ['exec', name, 'id', '-u']).stdout;
  if (uid === '0') fail(`${name} runs as root`);
  const init = run('podman', ['exec', name, 'cat', '/proc/1/cmdline']).stdout.split('\0');
  if (!init[0].endsWith('tini')) fail(`PID 1 is ${init.join(' ')}, not tini`);
  const health = run('podman', ['healthcheck', 'run', name], { allowFail: true });
  if (!health.ok) fail(`HEALTHCHECK: ${health.stdout || health.stderr || 'unhealthy'}`);
  step(`${name}: uid ${uid}, PID 1 ${init.filter(Boolean).join(' ')}, HEALTHCHECK healthy`);
}

async function generate(base) {
  const credentials = {
    email: `smoke-${randomBytes(4).toString('hex')}@example.com`,
    password: 'a long smoke-test passphrase',
  };
  await api(base, 'POST', '/auth/register', { body: credentials });
  const { accessToken } = await api(base, 'POST', '/auth/login', { body: credentials });
  const dashboard = await fetch(`${base}/`, { signal: AbortSignal.timeout(10_000) });
  if (!dashboard.ok || !dashboard.headers.get('content-type')?.startsWith('text/html')) {
    fail(`dashboard at /: ${dashboard.status} ${dashboard.headers.get('content-type')}`);
  }
  const since = Date.now();
  const job = await api(base, 'POST', '/generations', {
    token: accessToken,
    body: { provider: 'offline' },
  });
  step(`registered ${credentials.email}, logged in, dashboard served; job ${job.id} ${job.status}`);
  let current = job;
  while (current.status !== 'succeeded') {
    if (['failed', 'canceled'].includes(current.status)) {
      fail(`job ${job.id} ${current.status}: ${JSON.stringify(current.error)}`);
    }
    if (Date.now() - since > JOB_TIMEOUT_MS) fail(`job ${job.id} still ${current.status}`);
    await sleep(250);
    current = await api(base, 'GET', `/generations/${job.id}`, { token: accessToken });
  }
  const imageId = current.imageIds[0];
  const bytes = await fetchPng(base, imageId, accessToken);
  step(
    `job ${job.id} succeeded in ${elapsed(since)} (attempts ${current.attempts}); ` +
      `image ${imageId}: PNG, ${bytes} bytes`,
  );
  return { credentials, imageId };
}

/** SIGTERM to the container (tini passes it to Node): a clean exit, 0 or 143, within the bound. */
function stop(name) {
  const since = Date.now();
  run('podman', ['kill', '--signal', 'TERM', name]);
  run('podman', ['wait', name], { allowFail: true, timeout: STOP_BOUND_MS });
  const took = Date.now() - since;
  const { running, exitCode } = state(name);
  if (running) {
    run('podman', ['kill', '--signal', 'KILL', name], { allowFail: true });
    fail(`${name} still running ${STOP_BOUND_MS / 1000} s after SIGTERM`);
  }
  if (took > STOP_BOUND_MS) fail(`${name} took ${took} ms to stop (bound ${STOP_BOUND_MS} ms)`);
  if (exitCode !== 0 && exitCode !== 143) {
    fail(`${name} exited ${exitCode} after SIGTERM`);
  }
  step(
    `${name}: SIGTERM → exit ${exitCode} in ${(took / 1000).toFixed(1)} s (bound ${STOP_BOUND_MS / 1000} s)`,
  );
}

function cleanUp() {
  if (KEEP) {
    step(`kept: containers ${containers.join(', ')}, volume ${volume}`);
    return;
  }
  for (const name of containers) run('podman', ['rm', '--force', name], { allowFail: true });
  run('podman', ['volume', 'rm', '--force', volume], { allowFail: true });
}

async function main() {
  checkTools();
  const base = chooseBase();
  runFlags = chooseRunFlags(base);
  step(`base ${base} (${megabytes(imageSize(base))}); podman run flags: ${runFlags.join(' ')}`);
  await build(base);
  const size = imageSize(IMAGE);
  step(`image ${IMAGE}: ${megabytes(size)}`);

  run('podman', ['volume', 'create', volume]);
  const jwtSecret = randomBytes(48).toString('base64');
  const first = start(`${tag}-1`, jwtSecret);
  step(`${tag}-1 on ${first}, data volume ${volume} at /data`);
  await waitReady(`${tag}-1`, first);
  checkProcess(`${tag}-1`);
  const { credentials, imageId } = await generate(first);
  stop(`${tag}-1`);

  // The data volume outlives the container: a new one finds the user and the image.
  const second = start(`${tag}-2`, jwtSecret);
  await waitReady(`${tag}-2`, second);
  const { accessToken } = await api(second, 'POST', '/auth/login', { body: credentials });
  const bytes = await fetchPng(second, imageId, accessToken);
  step(`${tag}-2 on the same volume: logged in, image ${imageId} still there (${bytes} bytes)`);
  stop(`${tag}-2`);

  process.stdout.write(
    `\ncontainer:smoke passed in ${elapsed()}: image ${IMAGE} ${megabytes(size)} ` +
      `(${size} bytes), base ${base}\n`,
  );
}

// Ctrl-C: no containers or volume left behind.
process.once('SIGINT', () => {
  cleanUp();
  process.exit(130);
});

try {
  await main();
  cleanUp();
} catch (error) {
  for (const name of containers) {
    const { stdout, stderr } = logs(name, 15);
    process.stderr.write(`--- the end of ${name}'s log ---\n${stdout}\n${stderr}\n`);
  }
  cleanUp();
  process.stderr.write(
    `\ncontainer:smoke FAILED after ${elapsed()}: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}
