import type { LookupAddress } from 'node:dns';
import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { providerFailure as failure } from '../../test/support/provider-failure.js';
import { ProviderError } from './image-provider.js';
import {
  BlockedAddressError,
  checkUrl,
  createCheckedLookup,
  createDownloader,
  hostAllowed,
  isBlockedAddress,
  readCapped,
  redirectTarget,
  safeDownload,
  toDownloadError,
} from './safe-download.js';

const ALLOWED = ['replicate.delivery', '*.replicate.delivery'];
const CAPS = { allowedHosts: ALLOWED, maxBytes: 1024 * 1024, timeoutMs: 5_000 };
const live = () => new AbortController().signal;

function refusal(run: () => unknown): ProviderError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected a refusal');
}

const dataUrl = (type: string, bytes: Buffer) => `data:${type};base64,${bytes.toString('base64')}`;

describe('safeDownload: data: URLs', () => {
  it('decodes a base64 image locally and checks it is the type it claims', async () => {
    const png = await sharp({
      create: { width: 8, height: 8, channels: 3, background: '#123456' },
    })
      .png()
      .toBuffer();
    const download = await safeDownload(dataUrl('image/png', png), {
      ...CAPS,
      signal: live(),
      expectImage: true,
    });
    expect(download.bytes.equals(png)).toBe(true);
    expect(download.contentType).toBe('image/png');
    const bytes = await createDownloader(ALLOWED, CAPS)(dataUrl('image/png', png), live());
    expect(bytes.equals(png)).toBe(true);
  });

  it('refuses a data: URL over the size cap without decoding it', async () => {
    const big = Buffer.alloc(4096, 1);
    const error = await failure(
      safeDownload(dataUrl('image/png', big), { ...CAPS, maxBytes: 1024, signal: live() }),
    );
    expect(error).toMatchObject({ code: 'download_too_large', retryable: false });
  });

  it('refuses data: URLs that are not base64', async () => {
    const error = await failure(
      safeDownload('data:image/svg+xml,<svg/>', { ...CAPS, signal: live() }),
    );
    expect(error).toMatchObject({ code: 'download_refused', retryable: false });
  });

  it('rejects bytes that are not the image type they claim', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const cases = [
      dataUrl('image/png', Buffer.from('<html>not an image</html>')),
      dataUrl('image/jpeg', png),
      dataUrl('text/plain', png),
      'data:image/png;base64,!!!not-base64!!!',
    ];
    for (const url of cases) {
      const error = await failure(
        safeDownload(url, { ...CAPS, signal: live(), expectImage: true }),
      );
      expect(error).toMatchObject({ code: 'invalid_image', retryable: false });
    }
  });
});

describe('safeDownload: which URLs may be fetched', () => {
  it('fetches only https', async () => {
    for (const url of [
      'http://replicate.delivery/x.png',
      'ftp://replicate.delivery/x.png',
      'file:///etc/passwd',
      'gopher://replicate.delivery/',
      'not a url',
    ]) {
      const error = await failure(safeDownload(url, { ...CAPS, signal: live() }));
      expect(error).toMatchObject({ code: 'download_refused', retryable: false });
    }
  });

  it('never fetches an IP literal, whatever the allowlist says', () => {
    const allowed = [...ALLOWED, '127.0.0.1', '::1', '169.254.169.254', '10.0.0.1', '8.8.8.8'];
    for (const url of [
      'https://127.0.0.1/x.png',
      'https://[::1]/x.png',
      'https://[::ffff:127.0.0.1]/x.png',
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.1/x.png',
      'https://8.8.8.8/x.png',
      'https://2130706433/x.png', // 127.0.0.1 as one number
      'https://0x7f.1/x.png', // 127.0.0.1 in hex shorthand
      'https://[fd00:ec2::254]/',
    ]) {
      const error = refusal(() => checkUrl(url, allowed));
      expect(error.code).toBe('download_refused');
      expect(error.message).toMatch(/IP address/);
    }
  });

  it('fetches only hosts on the allowlist; *.domain means its subdomains', () => {
    expect(hostAllowed('replicate.delivery', ALLOWED)).toBe(true);
    expect(hostAllowed('pbxt.replicate.delivery', ALLOWED)).toBe(true);
    expect(hostAllowed('a.b.replicate.delivery', ALLOWED)).toBe(true);
    expect(hostAllowed('PBXT.Replicate.Delivery.', ALLOWED)).toBe(true);
    expect(hostAllowed('replicate.delivery', ['*.replicate.delivery'])).toBe(false);
    expect(hostAllowed('evilreplicate.delivery', ALLOWED)).toBe(false);
    expect(hostAllowed('replicate.delivery.evil.com', ALLOWED)).toBe(false);
    expect(hostAllowed('delivery', ALLOWED)).toBe(false);
    expect(hostAllowed('anything.example', [])).toBe(false);
    expect(hostAllowed('anything.example', ['*.'])).toBe(false);

    expect(checkUrl('https://pbxt.replicate.delivery/a/out-0.png', ALLOWED).hostname).toBe(
      'pbxt.replicate.delivery',
    );
    expect(refusal(() => checkUrl('https://evil.example/x.png', ALLOWED)).message).toMatch(
      /allowlist/,
    );
    expect(refusal(() => checkUrl('https://user:pw@replicate.delivery/x.png', ALLOWED)).code).toBe(
      'download_refused',
    );
  });

  it('checks every redirect like the first URL', () => {
    const from = new URL('https://replicate.delivery/a/out.png');
    expect(redirectTarget(from, '/b/out.png', ALLOWED).href).toBe(
      'https://replicate.delivery/b/out.png',
    );
    expect(redirectTarget(from, 'https://x.replicate.delivery/c.png', ALLOWED).hostname).toBe(
      'x.replicate.delivery',
    );
    for (const location of [
      'http://replicate.delivery/b.png', // downgrade to plain http
      'https://127.0.0.1/x.png',
      'https://[::1]/x.png',
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.1/x.png',
      'https://evil.example/x.png',
      '//10.0.0.1/x.png',
      undefined,
    ]) {
      expect(refusal(() => redirectTarget(from, location, ALLOWED)).code).toBe('download_refused');
    }
  });
});

describe('safeDownload: addresses', () => {
  it.each([
    // IPv4
    ['0.0.0.0', true],
    ['0.1.2.3', true],
    ['10.0.0.1', true],
    ['100.64.0.1', true],
    ['100.100.100.200', true],
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['169.254.169.254', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.0.0.8', true],
    ['192.168.1.1', true],
    ['198.18.0.1', true],
    ['198.19.255.255', true],
    ['224.0.0.1', true],
    ['239.255.255.250', true],
    ['240.0.0.1', true],
    ['255.255.255.255', true],
    ['8.8.8.8', false],
    ['1.1.1.1', false],
    ['172.32.0.1', false],
    ['100.128.0.1', false],
    ['34.120.1.2', false],
    // IPv6
    ['::', true],
    ['::1', true],
    ['fc00::1', true],
    ['fd00:ec2::254', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['febf::1', true],
    ['ff02::1', true],
    ['2001:db8::1', true],
    ['2001:0:4136:e378::1', true], // Teredo
    ['2606:4700:4700::1111', false],
    ['2a00:1450:4001:81c::200e', false],
    // IPv4-mapped, NAT64 and 6to4 forms are judged by the IPv4 address they carry
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:169.254.169.254', true],
    ['::ffff:a9fe:a9fe', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::10.0.0.1', true],
    ['64:ff9b::8.8.8.8', false],
    ['2002:7f00:1::', true],
    ['2002:0808:0808::1', false],
    ['::127.0.0.1', true], // deprecated IPv4-compatible
    // Not an address at all: blocked
    ['localhost', true],
    ['', true],
  ])('%s blocked: %s', (address, blocked) => {
    expect(isBlockedAddress(address)).toBe(blocked);
  });

  const fakeResolver = (answers: LookupAddress[][]) => {
    let call = 0;
    return (
      _hostname: string,
      _options: unknown,
      callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
    ) => callback(null, answers[call++]);
  };
  const lookupOnce = (
    lookup: ReturnType<typeof createCheckedLookup>,
    all: boolean,
  ): Promise<unknown> =>
    new Promise((resolve, reject) =>
      lookup('cdn.replicate.delivery', { all }, (error, address) =>
        error ? reject(error) : resolve(address),
      ),
    );

  it('checks the addresses each connection will use, every time (a DNS rebind is caught)', async () => {
    const lookup = createCheckedLookup(
      fakeResolver([
        [{ address: '34.120.1.2', family: 4 }],
        [{ address: '127.0.0.1', family: 4 }],
        [
          { address: '34.120.1.2', family: 4 },
          { address: '::ffff:10.0.0.1', family: 6 },
        ],
        [
          { address: '2606:4700:4700::1111', family: 6 },
          { address: '34.120.1.2', family: 4 },
        ],
      ]),
    );
    await expect(lookupOnce(lookup, false)).resolves.toBe('34.120.1.2');
    await expect(lookupOnce(lookup, false)).rejects.toBeInstanceOf(BlockedAddressError);
    // One bad address among good ones refuses the host: the connection might pick any of them.
    await expect(lookupOnce(lookup, true)).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(lookupOnce(lookup, true)).resolves.toEqual([
      { address: '2606:4700:4700::1111', family: 6 },
      { address: '34.120.1.2', family: 4 },
    ]);
  });

  it('refuses a name the system resolver maps to loopback', async () => {
    const lookup = createCheckedLookup();
    const error = await new Promise((resolve) =>
      lookup('localhost', { all: true }, (e) => resolve(e)),
    );
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(toDownloadError(error, live())).toMatchObject({ code: 'download_refused' });
  });
});

describe('safeDownload: bodies, time and errors', () => {
  it('stops reading a body as soon as it passes the cap', async () => {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += 1024;
        this.push(Buffer.alloc(1024));
      },
    });
    const error = await failure(readCapped(endless, 10 * 1024, live()));
    expect(error).toMatchObject({ code: 'download_too_large', retryable: false });
    expect(endless.destroyed).toBe(true);
    expect(produced).toBeLessThan(64 * 1024);
  });

  it('reads a body under the cap whole', async () => {
    const body = Readable.from([Buffer.from('abc'), Buffer.from('def')]);
    await expect(readCapped(body, 6, live())).resolves.toEqual(Buffer.from('abcdef'));
  });

  it('gives up on a slow body when the time cap fires, as a retryable download_timeout', async () => {
    const slow = new Readable({ read() {} });
    slow.push(Buffer.from('first bytes, then nothing'));
    const deadline = AbortSignal.timeout(50);
    const error = await readCapped(slow, 1024, deadline).then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(slow.destroyed).toBe(true);
    expect(toDownloadError(error, live(), deadline)).toMatchObject({
      code: 'download_timeout',
      retryable: true,
    });
  });

  it("rejects with the caller's own reason when the caller aborts (cancel, shutdown)", async () => {
    const controller = new AbortController();
    const reason = new Error('job canceled');
    controller.abort(reason);
    await expect(
      safeDownload('https://replicate.delivery/x.png', { ...CAPS, signal: controller.signal }),
    ).rejects.toBe(reason);
    const slow = new Readable({ read() {} });
    const caller = new AbortController();
    const reading = readCapped(slow, 1024, caller.signal);
    caller.abort(reason);
    await expect(reading).rejects.toBe(reason);
  });

  it('reports resets as retryable and bad certificates as refusals', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(toDownloadError(reset, live())).toMatchObject({
      code: 'download_failed',
      retryable: true,
    });
    const cert = Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(toDownloadError(cert, live())).toMatchObject({
      code: 'download_refused',
      retryable: false,
    });
  });
});
