import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, isIPv4, isIPv6, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { sniffImageType } from '../common/image-type.js';
import { Deadline } from '../lifecycle/deadline.js';
import { ProviderError } from './image-provider.js';

export interface SafeDownloadOptions {
  /** Hosts the URL may name: exact (`replicate.delivery`) or `*.example.com` for subdomains. */
  readonly allowedHosts: readonly string[];
  readonly maxBytes: number;
  /** Time limit of the whole download, redirects and body included. */
  readonly timeoutMs: number;
  /** The caller's signal (job cancel, shutdown): its reason is what the download rejects with. */
  readonly signal: AbortSignal;
  readonly maxRedirects?: number;
  /** Check that the bytes are a PNG, JPEG, WebP or GIF of the type the response claims. */
  readonly expectImage?: boolean;
}

export interface Download {
  readonly bytes: Buffer;
  readonly contentType: string;
}

/** Fetches one provider output for the pipeline; rejects with a ProviderError. */
export type Downloader = (url: string, signal: AbortSignal) => Promise<Buffer>;

const DEFAULT_MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Downloads a URL a provider handed us without letting the provider point us anywhere we should
 * not go: `data:` URLs are decoded here; anything else must be HTTPS to an allowlisted host whose
 * resolved address is public, checked by the lookup the connection itself uses (so a DNS answer
 * that changes between check and connect cannot slip through), at every redirect.
 */
export async function safeDownload(url: string, options: SafeDownloadOptions): Promise<Download> {
  const deadline = new Deadline(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, deadline.signal]);
  try {
    signal.throwIfAborted();
    const download = url.startsWith('data:')
      ? decodeDataUrl(url, options.maxBytes)
      : await fetchChecked(checkUrl(url, options.allowedHosts), options, signal);
    if (options.expectImage) checkImage(download);
    return download;
  } catch (error) {
    throw toDownloadError(error, options.signal, deadline.signal);
  } finally {
    deadline.clear();
  }
}

/** A `Downloader` for one provider: its allowlist and the configured caps, images only. */
export function createDownloader(
  allowedHosts: readonly string[],
  caps: { readonly maxBytes: number; readonly timeoutMs: number },
): Downloader {
  return async (url, signal) => {
    const { bytes } = await safeDownload(url, { allowedHosts, ...caps, signal, expectImage: true });
    return bytes;
  };
}

async function fetchChecked(
  start: URL,
  options: SafeDownloadOptions,
  signal: AbortSignal,
): Promise<Download> {
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let url = start;
  for (let redirects = 0; ; redirects++) {
    const response = await get(url, signal);
    const status = response.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      response.resume();
      if (redirects >= maxRedirects) {
        throw refused(`more than ${maxRedirects} redirects from ${origin(start)}`);
      }
      url = redirectTarget(url, response.headers.location, options.allowedHosts);
      continue;
    }
    if (status < 200 || status > 299) {
      response.resume();
      // A 4xx is final (an expired or unknown URL); a 5xx or 429 may pass.
      const retryable = status >= 500 || status === 429;
      throw new ProviderError(
        'download_failed',
        `Downloading the output from ${origin(url)} failed with HTTP ${status}`,
        retryable,
      );
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      response.destroy();
      throw tooLarge(options.maxBytes);
    }
    const bytes = await readCapped(response, options.maxBytes, signal);
    return { bytes, contentType: response.headers['content-type'] ?? '' };
  }
}

function get(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, {
      method: 'GET',
      lookup: checkedLookup,
      // A fresh connection per download: every connection goes through the checked lookup.
      agent: false,
      signal,
      headers: { accept: 'image/*', 'accept-encoding': 'identity', 'user-agent': 'image-forge' },
    });
    request.once('response', resolve);
    // Kept for the request's whole life: a socket error during the body is emitted here too,
    // and an unheard 'error' would crash the process (the body read reports it).
    request.on('error', reject);
    request.end();
  });
}

/**
 * Reads a body whole, failing as soon as it grows past `maxBytes`; an abort of `signal` (the
 * time cap, a cancel) stops a slow body at once and rejects with the signal's reason.
 */
export async function readCapped(
  body: Readable,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Buffer> {
  const onAbort = () => body.destroy(signal.reason as Error);
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      total += buffer.length;
      if (total > maxBytes) throw tooLarge(maxBytes);
      chunks.push(buffer);
    }
    return Buffer.concat(chunks, total);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * The checks a URL passes before any connection: HTTPS, no credentials, a host name (never an IP
 * literal, whatever the allowlist says) that the allowlist names.
 */
export function checkUrl(raw: string, allowedHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('the output URL is not a valid URL');
  }
  if (url.protocol !== 'https:') {
    throw refused(`only https URLs are downloaded (got ${url.protocol.replace(/:$/, '')})`);
  }
  if (url.username || url.password) throw refused('URLs with credentials are not downloaded');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) throw refused(`${url.hostname} is an IP address; only named hosts are allowed`);
  if (!hostAllowed(host, allowedHosts)) {
    throw refused(`${url.hostname} is not on the provider's download allowlist`);
  }
  return url;
}

/** The next URL of a redirect, checked like the first one. */
export function redirectTarget(
  from: URL,
  location: string | undefined,
  allowedHosts: readonly string[],
): URL {
  if (!location) throw refused(`a redirect from ${origin(from)} has no Location`);
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw refused(`a redirect from ${origin(from)} has an invalid Location`);
  }
  return checkUrl(target.href, allowedHosts);
}

/** `host` matches an exact entry, or a `*.domain` entry as a strict subdomain of `domain`. */
export function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (!name || isIP(name)) return false;
  return allowedHosts.some((entry) => {
    const pattern = entry.trim().toLowerCase().replace(/\.$/, '');
    if (pattern.startsWith('*.')) {
      const domain = pattern.slice(2);
      return domain.length > 0 && name.endsWith(`.${domain}`);
    }
    return pattern.length > 0 && name === pattern;
  });
}

// --- Addresses ----------------------------------------------------------------------------------

const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT (and some clouds' metadata, e.g. 100.100.100.200)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified (::), loopback (::1), deprecated IPv4-compatible
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo: hides the IPv4 it reaches
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local, incl. AWS metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['ff00::', 8], // multicast
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

/**
 * Whether a resolved address must never be connected to on a provider's say-so. IPv6 forms that
 * carry an IPv4 address (mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by
 * that IPv4 address. Anything unparseable is blocked.
 */
export function isBlockedAddress(address: string): boolean {
  if (isIPv4(address)) return BLOCKED.check(address, 'ipv4');
  // A zone id (fe80::1%eth0) only makes sense for link-local and the like.
  if (address.includes('%') || !isIPv6(address)) return true;
  const embedded = embeddedIPv4(ipv6Groups(address));
  if (embedded) return BLOCKED.check(embedded, 'ipv4');
  return BLOCKED.check(address, 'ipv6');
}

function embeddedIPv4(groups: number[]): string | null {
  const v4 = (high: number, low: number) =>
    [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (zero(0, 5) && groups[5] === 0xffff) return v4(groups[6], groups[7]);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return v4(groups[6], groups[7]);
  if (groups[0] === 0x2002) return v4(groups[1], groups[2]);
  return null;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail folded). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const gap = text.indexOf('::');
  if (gap === -1) return parse(text);
  const head = parse(text.slice(0, gap));
  const tail = parse(text.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** Raised by the checked lookup: the host resolved to an address we never connect to. */
export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
  readonly code = 'EBLOCKEDADDRESS';
  constructor(
    readonly hostname: string,
    readonly address: string,
  ) {
    super(`${hostname} resolves to ${address}, a private or reserved address`);
  }
}

type Resolve = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for `net.connect` that refuses a host if any address it resolves to is blocked.
 * The connection uses exactly the addresses checked here. `resolve` is the system resolver;
 * tests pass their own to show that every connection is checked afresh.
 */
export function createCheckedLookup(resolve: Resolve = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      const blocked = addresses.find((entry) => isBlockedAddress(entry.address));
      if (blocked || addresses.length === 0) {
        callback(new BlockedAddressError(hostname, blocked?.address ?? 'nothing'), '', 0);
        return;
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

const checkedLookup = createCheckedLookup();

// --- data: URLs and image checks ---------------------------------------------------------------

function decodeDataUrl(url: string, maxBytes: number): Download {
  const match = /^data:([^,;]*)((?:;[^,;]*)*?);base64,(.*)$/is.exec(url);
  if (!match) throw refused('only base64 data: URLs are accepted');
  const payload = match[3].replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) {
    throw new ProviderError('invalid_image', 'The data: URL is not valid base64', false);
  }
  // Checked before decoding, so a huge data: URL is never decoded.
  const size = Math.floor((payload.replace(/=+$/, '').length * 3) / 4);
  if (size > maxBytes) throw tooLarge(maxBytes);
  return { bytes: Buffer.from(payload, 'base64'), contentType: match[1] };
}

const CONTENT_TYPE_ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
};

function checkImage({ bytes, contentType }: Download): void {
  const claimed = contentType.split(';')[0].trim().toLowerCase();
  const normalised = CONTENT_TYPE_ALIASES[claimed] ?? claimed;
  const actual = sniffImageType(bytes);
  if (!normalised.startsWith('image/')) {
    throw new ProviderError(
      'invalid_image',
      `The output is ${claimed || 'of no stated type'}, not an image`,
      false,
    );
  }
  if (actual !== normalised) {
    throw new ProviderError(
      'invalid_image',
      `The output claims to be ${claimed} but its bytes are ${actual ?? 'not a known image type'}`,
      false,
    );
  }
}

// --- Errors -----------------------------------------------------------------------------------

const TLS_REFUSALS = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * What a failed download reports: the caller's own abort reason as it is (cancel, shutdown),
 * the time cap as `download_timeout`, refusals and caps as they were raised, anything else
 * (resets, DNS failures) as a retryable `download_failed`.
 */
export function toDownloadError(
  error: unknown,
  callerSignal: AbortSignal,
  deadline?: AbortSignal,
): unknown {
  if (callerSignal.aborted) return callerSignal.reason;
  if (error instanceof ProviderError) return error;
  if (error instanceof BlockedAddressError) return refused(error.message);
  // node:https rejects an aborted request with its own AbortError, so ask the deadline too.
  if (deadline?.aborted || (error instanceof DOMException && error.name === 'TimeoutError')) {
    return new ProviderError('download_timeout', 'Downloading the output took too long', true);
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && TLS_REFUSALS.has(code)) {
    return refused(`the download host's certificate was not accepted (${code})`);
  }
  const message = (error as Error | undefined)?.message ?? String(error);
  return new ProviderError('download_failed', `Downloading the output failed: ${message}`, true);
}

function refused(why: string): ProviderError {
  return new ProviderError('download_refused', `Refused to download the output: ${why}`, false);
}

function tooLarge(maxBytes: number): ProviderError {
  return new ProviderError(
    'download_too_large',
    `The output is larger than the ${maxBytes}-byte limit`,
    false,
  );
}

function origin(url: URL): string {
  return `${url.protocol}//${url.host}`;
}
