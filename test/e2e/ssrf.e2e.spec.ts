import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ProviderError } from '../../src/providers/image-provider.js';
import { ReplicateImageProvider } from '../../src/providers/replicate/replicate.image-provider.js';
import { createDownloader } from '../../src/providers/safe-download.js';
import { startReplicateFake, type ReplicateFake } from '../fakes/replicate.fake.js';

/**
 * The SSRF suite: the fake Replicate answers with hostile output URLs, the real provider (real SDK,
 * real safe downloader) must refuse each one, and a canary listening on loopback must never see a
 * single connection. Nothing here connects to a private address other than the canary's own.
 *
 * Two cases cannot be run end to end without a public HTTPS host on the allowlist, and production
 * code has no bypass for tests: a redirect into a private address and a body that trickles in
 * slowly. src/providers/safe-download.http.spec.ts runs the real download loop for them against a
 * scripted `node:https` (redirects to private addresses refused without a second request; a slow
 * body cut at the time cap). An oversized output is covered here with a data: URL.
 */
describe('SSRF: hostile output URLs from Replicate', () => {
  let fake: ReplicateFake;
  let canary: Server;
  let canary6: Server | null = null;
  let port: number;
  let port6: number;
  let connections = 0;
  let requests = 0;
  const MAX_BYTES = 64 * 1024;

  const listen = async (host: string): Promise<Server> => {
    const server = createServer((_req, res) => {
      requests++;
      res.end('canary');
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, resolve);
    });
    return server;
  };

  beforeAll(async () => {
    fake = await startReplicateFake();
    canary = await listen('127.0.0.1');
    port = (canary.address() as AddressInfo).port;
    try {
      canary6 = await listen('::1');
      port6 = (canary6.address() as AddressInfo).port;
    } catch {
      canary6 = null; // no IPv6 loopback on this machine: the IPv4 canary still counts
      port6 = port;
    }
    // The canary works: a direct request is counted (then the count starts from zero).
    await fetch(`http://127.0.0.1:${port}/probe`).then((res) => res.text());
    expect({ connections, requests }).toEqual({ connections: 1, requests: 1 });
    connections = 0;
    requests = 0;
  });

  afterAll(async () => {
    await fake.close();
    for (const server of [canary, canary6]) {
      server?.closeAllConnections();
      if (server) await new Promise((resolve) => server.close(resolve));
    }
  });

  afterEach(() => {
    expect({ connections, requests }).toEqual({ connections: 0, requests: 0 });
    fake.reset();
  });

  const provider = () =>
    new ReplicateImageProvider({
      apiToken: fake.token,
      baseUrl: fake.baseUrl,
      model: 'black-forest-labs/flux-schnell',
      concurrency: 2,
      imagesPerMinute: 1000,
      predictionTimeoutMs: 30_000,
      pollIntervalMs: 10,
      // Hostile: names loopback and private IPs outright, as a careless operator might.
      download: createDownloader(
        [
          'replicate.delivery',
          '*.replicate.delivery',
          'localhost',
          '127.0.0.1',
          '::1',
          '169.254.169.254',
          '10.0.0.1',
        ],
        { maxBytes: MAX_BYTES, timeoutMs: 5_000 },
      ),
    });

  async function outcome(output: string): Promise<ProviderError> {
    fake.behave({ kind: 'succeed', polls: 1, outputs: [output] });
    const error = await provider()
      .generate({
        prompt: 'anything',
        negativePrompt: null,
        model: 'black-forest-labs/flux-schnell',
        width: 1024,
        height: 1024,
        n: 1,
        seed: 1,
        quality: null,
        style: null,
        signal: new AbortController().signal,
      })
      .then(
        () => new Error('the hostile output was accepted'),
        (reason: unknown) => reason,
      );
    expect(error).toBeInstanceOf(ProviderError);
    // The prediction really ran through the SDK and handed us the URL.
    expect(fake.inputs()).toHaveLength(1);
    return error as ProviderError;
  }

  it.each([
    ['plain http to loopback', () => `http://127.0.0.1:${port}/x.png`],
    ['https to 127.0.0.1', () => `https://127.0.0.1:${port}/x.png`],
    ['https to [::1]', () => `https://[::1]:${port6}/`],
    ['https to IPv4-mapped [::ffff:127.0.0.1]', () => `https://[::ffff:127.0.0.1]:${port}/`],
    ['loopback as one decimal number', () => `https://2130706433:${port}/x.png`],
    ['cloud metadata 169.254.169.254', () => 'https://169.254.169.254/latest/meta-data/'],
    ['AWS IPv6 metadata', () => 'https://[fd00:ec2::254]/latest/meta-data/'],
    ['a private 10.x address', () => 'https://10.0.0.1/x.png'],
    ['plain http to an allowlisted host', () => `http://localhost:${port}/x.png`],
    ['a host not on the allowlist', () => 'https://attacker.example/x.png'],
    ['credentials in the URL', () => `https://user:pw@localhost:${port}/x.png`],
    ['a file: URL', () => 'file:///etc/passwd'],
  ])('refuses %s before any connection', async (_case, url) => {
    const error = await outcome(url());
    expect(error).toMatchObject({ code: 'download_refused', retryable: false });
  });

  it('refuses an allowlisted name that resolves to loopback, at connect time', async () => {
    const error = await outcome(`https://localhost:${port}/x.png`);
    expect(error).toMatchObject({ code: 'download_refused', retryable: false });
    expect(error.message).toMatch(/resolves to (127\.0\.0\.1|::1)/);
  });

  it('refuses an oversized output', async () => {
    const big = Buffer.alloc(MAX_BYTES * 2, 7);
    const error = await outcome(`data:image/png;base64,${big.toString('base64')}`);
    expect(error).toMatchObject({ code: 'download_too_large', retryable: false });
  });

  it('refuses bytes that are not the image they claim to be', async () => {
    const error = await outcome(
      `data:image/png;base64,${Buffer.from('<html>hi</html>').toString('base64')}`,
    );
    expect(error).toMatchObject({ code: 'invalid_image', retryable: false });
  });
});
