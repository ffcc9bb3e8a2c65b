/**
 * Endpoints that cannot be reached, and stay so while other suites run beside them. A store that
 * was started and stopped is not one: its port goes back to the kernel's pool, and the next server
 * any worker binds to port 0 (an Azurite, an app, an emulator) may get it and answer instead.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * Port 1 (tcpmux): nothing listens there, and it is below the ephemeral range that port-0 binds
 * are given from, so no test server can take it.
 */
export const CLOSED_PORT = 1;

/** `env` with every loopback endpoint in its values moved to the closed port. */
export function atClosedPort(env: Record<string, string>): Record<string, string> {
  return atPort(env, CLOSED_PORT);
}

/** A loopback endpoint in a variable's value (`127.0.0.1:PORT`). */
const LOOPBACK_ENDPOINT = /\b127\.0\.0\.1:(\d+)/g;

/** `env` with every loopback endpoint in its values moved to `port` (one held by `holdPort`). */
export function atPort(env: Record<string, string>, port: number): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [
      name,
      value.replace(LOOPBACK_ENDPOINT, `127.0.0.1:${port}`),
    ]),
  );
}

/** The port of the loopback endpoint in `env`'s values (a store started here). */
export function loopbackPort(env: Record<string, string>): number {
  for (const value of Object.values(env)) {
    const [match] = value.matchAll(LOOPBACK_ENDPOINT);
    if (match) return Number(match[1]);
  }
  throw new Error('no loopback endpoint in env');
}

/** What a held port does with a connection: reset it, or accept it and never answer. */
export type HeldPortAnswer = 'reset' | 'silence';

export interface HeldPort {
  /** The port held (the one given, or the one the kernel chose for 0). */
  readonly port: number;
  /** From now on, new connections get `answer`; the silent ones held so far are reset. */
  answer(answer: HeldPortAnswer): void;
  release(): Promise<void>;
}

/**
 * Takes `port` back as soon as a server stopped on it (or a free port, given 0), so that a running
 * app pointed there meets a store that went away, and nothing else, until `release()`: one whose
 * connections are reset (`reset`, the default), or one that accepts them and never answers
 * (`silence`: a hung server, or a network that drops packets).
 */
export async function holdPort(port: number, initial: HeldPortAnswer = 'reset'): Promise<HeldPort> {
  let mode = initial;
  const silent = new Set<Socket>();
  const resetSilent = () => {
    for (const socket of silent) socket.resetAndDestroy();
    silent.clear();
  };
  const server: Server = createServer((socket) => {
    if (mode === 'reset') return void socket.resetAndDestroy();
    silent.add(socket);
    socket.on('close', () => silent.delete(socket));
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    answer(answer) {
      mode = answer;
      resetSilent();
    },
    release: async () => {
      resetSilent();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
