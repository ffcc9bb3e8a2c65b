/**
 * `@vercel/cosmosdb-server` (an in-memory Cosmos DB NoSQL API server) in this process, on a free
 * loopback port: for the Cosmos record-store contract and end-to-end runs with
 * DATABASE_DRIVER=cosmos. Always `stop()` it (afterAll / finally), or Jest never exits.
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import { TEST_STORE_READ_TIMEOUT_MS } from './store-timeout.js';

export interface CosmosEmulator {
  /** `https://127.0.0.1:PORT`. */
  readonly endpoint: string;
  /** The emulator accepts any key. */
  readonly key: string;
  /** A keep-alive agent for test clients (TLS verified against the test certificate). */
  readonly agent: Agent;
  /** The read timeout for test clients of this emulator (`CosmosSettings.readTimeoutMs`). */
  readonly readTimeoutMs: number;
  /** Variables that point the app (DATABASE_DRIVER=cosmos) at this emulator and `database`. */
  env(database: string): Record<string, string>;
  stop(): Promise<void>;
}

export async function startCosmosEmulator(): Promise<CosmosEmulator> {
  // Keep-alive: by default it closes every connection, and a TLS handshake per request
  // triples the suite's time.
  // Served with our long-lived test certificate (test/support/tls), which `npm test` trusts through
  // NODE_EXTRA_CA_CERTS: the emulator's own has expired, and nothing here skips verification.
  const server = createHttpsServer({
    keepAlive: true,
    cert: readFileSync(new URL('./tls/emulator-cert.pem', import.meta.url)),
    key: readFileSync(new URL('./tls/emulator-key.pem', import.meta.url)),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true });
  return {
    endpoint: `https://127.0.0.1:${port}`,
    readTimeoutMs: TEST_STORE_READ_TIMEOUT_MS,
    key: 'any',
    agent,
    env: (database) => ({
      DATABASE_DRIVER: 'cosmos',
      COSMOS_ENDPOINT: `https://127.0.0.1:${port}`,
      COSMOS_KEY: 'any',
      COSMOS_DATABASE: database,
    }),
    async stop() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
