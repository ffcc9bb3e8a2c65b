import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { describe, it } from '@jest/globals';

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

/**
 * Whether the BullMQ tier can run. Without redis-server it says so in one line; under CI that is
 * a failure (a CI that silently skips the BullMQ tests tests nothing).
 */
export function redisAvailable(): boolean {
  if (existsSync(REDIS_SERVER)) return true;
  process.stderr.write(
    `BullMQ tier skipped: no redis-server at ${REDIS_SERVER} ` +
      '(install it with `apt-get install -y redis-server`, or set REDIS_SERVER_PATH)\n',
  );
  return false;
}

/**
 * `describe` when redis-server is here, `describe.skip` when not (after one line saying so);
 * with CI=true a missing redis-server is a failing test instead.
 */
export function describeWithRedis(): typeof describe | typeof describe.skip {
  const available = redisAvailable();
  if (!available && process.env.CI === 'true') {
    describe('BullMQ tier', () => {
      it('needs redis-server under CI', () => {
        throw new Error(
          'CI=true and no redis-server: install it with `apt-get install -y redis-server`',
        );
      });
    });
  }
  return available ? describe : describe.skip;
}

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A throwaway redis-server on a free loopback port, in memory only; `stop` kills it by its pid. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    await exited;
  };
  for (let i = 0; i < 100; i++) {
    if (await accepting(port)) return { url: `redis://127.0.0.1:${port}`, port, stop };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`redis-server did not start on port ${port}`);
}
