// Login-flood benchmark (`npm run bench:flood`): starts the built service
// (`node dist/bundle/main.js`) on a temporary data dir with throttling off, makes one image, then
// measures image content and `/health/ready` latency while idle and while 16 clients send
// wrong-password logins as fast as they are answered (scrypt, 128 MiB each). Prints p50/p99/max
// and the logins answered.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const FLOODERS = Number(process.env.BENCH_FLOODERS ?? 16);
const log = (message) => process.stderr.write(`${message}\n`);

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const base = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'image-forge-flood-'));
const server = spawn(process.execPath, ['dist/bundle/main.js'], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    THROTTLE_LOGIN_PER_IP: '0',
    THROTTLE_LOGIN_PER_EMAIL: '0',
    THROTTLE_REGISTER_PER_IP: '0',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});

try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 200) throw new Error('the service did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const json = { 'content-type': 'application/json' };
  const session = await (
    await fetch(`${base}/api/v1/auth/register`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'flood@example.com', password: 'correct horse battery' }),
    })
  ).json();
  const auth = { authorization: `Bearer ${session.accessToken}` };
  const job = await (
    await fetch(`${base}/api/v1/generations`, {
      method: 'POST',
      headers: { ...auth, ...json },
      body: JSON.stringify({ size: '512x512' }),
    })
  ).json();
  let imageId;
  while (!imageId) {
    const state = await (
      await fetch(`${base}/api/v1/generations/${job.id}`, { headers: auth })
    ).json();
    imageId = state.imageIds?.[0];
    if (!imageId) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  /** Sequential requests to `path` until `until`, with each one's latency in ms. */
  async function probe(path, until) {
    const times = [];
    let failed = 0;
    while (Date.now() < until) {
      const started = performance.now();
      const res = await fetch(`${base}${path}`);
      await res.arrayBuffer();
      times.push(performance.now() - started);
      if (!res.ok) failed++;
    }
    return { times, failed };
  }

  async function flood(until) {
    let answered = 0;
    await Promise.all(
      Array.from({ length: FLOODERS }, async (_, i) => {
        while (Date.now() < until) {
          const res = await fetch(`${base}/api/v1/auth/login`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify({
              email: i % 2 ? 'flood@example.com' : `nobody${i}@example.com`,
              password: 'wrong password!',
            }),
          });
          await res.arrayBuffer();
          answered++;
        }
      }),
    );
    return answered;
  }

  const stats = ({ times, failed }) => {
    const sorted = [...times].sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
    return `n=${String(sorted.length).padStart(5)}  p50 ${at(0.5).toFixed(1).padStart(7)} ms  p99 ${at(0.99).toFixed(1).padStart(7)} ms  max ${at(1).toFixed(1).padStart(7)} ms  non-2xx ${failed}`;
  };
  const content = `/api/v1/images/${imageId}/content`;

  log(`idle ${SECONDS} s...`);
  let until = Date.now() + SECONDS * 1000;
  const [idleContent, idleReady] = await Promise.all([
    probe(content, until),
    probe('/health/ready', until),
  ]);
  log(`flood of ${FLOODERS} concurrent wrong-password logins for ${SECONDS} s...`);
  until = Date.now() + SECONDS * 1000;
  const [logins, floodContent, floodReady] = await Promise.all([
    flood(until),
    probe(content, until),
    probe('/health/ready', until),
  ]);
  console.log(`image content, idle         ${stats(idleContent)}`);
  console.log(`/health/ready, idle         ${stats(idleReady)}`);
  console.log(`image content, during flood ${stats(floodContent)}`);
  console.log(`/health/ready, during flood ${stats(floodReady)}`);
  console.log(`logins answered during flood: ${logins} (${(logins / SECONDS).toFixed(1)}/s)`);
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
}
