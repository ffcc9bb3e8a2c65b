/**
 * Endpoints that cannot be reached, and stay so while other suites run beside them. A store that
 * was started and stopped is not one: its port goes back to the kernel's pool, and the next server
 * any worker binds to port 0 (an Azurite, an app, an emulator) may get it and answer instead.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';

/**
 * Port 1 (tcpmux): nothing listens there, and it is below the ephemeral range that port-0 binds
 * are given from, so no test server can take it.
 */
export const CLOSED_PORT = 1;

/** `env` with every loopback endpoint in its values moved to the closed port. */
export function atClosedPort(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [
      name,
      value.replace(/\b127\.0\.0\.1:\d+/g, `127.0.0.1:${CLOSED_PORT}`),
    ]),
  );
}

/**
 * Takes `port` back as soon as a server stopped on it and resets every connection, so that a
 * running app pointed there meets a store that went away, and nothing else, until `release()`.
 */
export async function holdPort(port: number): Promise<{ release(): Promise<void> }> {
  const server: Server = createServer((socket) => socket.resetAndDestroy());
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    release: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
