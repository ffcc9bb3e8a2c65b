import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url (43 characters): refresh tokens and API key secrets. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** How refresh tokens and API key secrets are stored: base64url SHA-256. */
export const hashSecret = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('base64url');

/** Whether `secret` hashes to `hash`, in time that does not depend on where they differ. */
export function matchesHash(secret: string, hash: string): boolean {
  const actual = Buffer.from(hashSecret(secret));
  const expected = Buffer.from(hash);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
