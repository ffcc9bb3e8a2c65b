import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuthConfig } from '../config/config-slices.js';

/** scrypt's block size and parallelism, OWASP's (with N = 2^17: memory-hard, 128 MiB a hash). */
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

/**
 * Hashes at once, at most. scrypt runs on libuv's thread pool (4 threads by default), which file
 * I/O shares: capped at half of it, a flood of logins queues here instead of starving image reads
 * and readiness checks, and memory stays bounded (128 MiB per hash).
 */
export const MAX_CONCURRENT_HASHES = 2;

let running = 0;
const waiting: (() => void)[] = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) await new Promise<void>((go) => waiting.push(go));
  else running++;
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next in line, or free it.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return withHashSlot(
    () =>
      new Promise((resolve, reject) =>
        scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
          error ? reject(error) : resolve(key),
        ),
      ),
  );
}

/**
 * Password hashes as `scrypt$N$r$p$salt$hash` (base64url): each keeps its parameters, so the cost
 * (`PASSWORD_HASH_COST`) can change and every stored hash still verifies.
 */
@Injectable()
export class PasswordHasher {
  private readonly params: { readonly N: number; readonly r: number; readonly p: number };

  /**
   * Verified against when the account does not exist, so timing does not reveal which e-mails do:
   * the current parameters with random bytes, made without hashing (no password ever matches it,
   * and the first unknown e-mail must not cost two scrypt runs).
   */
  private readonly dummyHash: string;

  constructor({ passwordHashCost }: AuthConfig) {
    this.params = { N: 2 ** passwordHashCost, r: R, p: P };
    this.dummyHash = this.encode(randomBytes(16), randomBytes(KEY_LENGTH));
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    return this.encode(salt, await derive(password, salt, this.params));
  }

  async verify(password: string, stored: string | null): Promise<boolean> {
    const encoded = stored ?? this.dummyHash;
    const [scheme, n, r, p, salt, hash] = encoded.split('$');
    if (scheme !== 'scrypt' || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64url');
    let actual: Buffer;
    try {
      actual = await derive(password, Buffer.from(salt, 'base64url'), {
        N: Number(n),
        r: Number(r),
        p: Number(p),
      });
    } catch {
      // Parameters scrypt refuses: a corrupt record, which matches no password.
      return false;
    }
    return (
      stored !== null && actual.length === expected.length && timingSafeEqual(actual, expected)
    );
  }

  private encode(salt: Buffer, key: Buffer): string {
    const { N, r, p } = this.params;
    return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }
}
