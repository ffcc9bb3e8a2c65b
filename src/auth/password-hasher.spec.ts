import 'reflect-metadata';
import { beforeAll, describe, expect, it } from '@jest/globals';

import type { AuthConfig } from '../config/config-slices.js';
import { MIN_PRODUCTION_HASH_COST } from '../config/env.schema.js';
import { PasswordHasher } from './password-hasher.js';

const hasherAt = (passwordHashCost: number) =>
  new PasswordHasher({ passwordHashCost } as AuthConfig);

// Each hash or verify costs a few hundred ms (OWASP scrypt parameters): hashes are shared.
describe('PasswordHasher', () => {
  const hasher = hasherAt(MIN_PRODUCTION_HASH_COST);
  const password = 'correct horse battery staple';
  let stored: string;

  beforeAll(async () => {
    stored = await hasher.hash(password);
  });

  it('verifies the password it hashed', async () => {
    expect(await hasher.verify(password, stored)).toBe(true);
  });

  it('rejects a wrong password', async () => {
    expect(await hasher.verify('correct horse battery stapler', stored)).toBe(false);
  });

  it('salts each hash', async () => {
    expect(await hasher.hash(password)).not.toBe(stored);
  });

  it('records the scheme and its parameters with the hash', () => {
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
  });

  it('hashes at the configured cost, and verifies hashes made at any other', async () => {
    const cheap = hasherAt(10);
    const cheaplyStored = await cheap.hash(password);

    expect(cheaplyStored).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await cheap.verify(password, stored)).toBe(true);
    expect(await hasher.verify(password, cheaplyStored)).toBe(true);
    expect(await hasher.verify('correct horse battery stapler', cheaplyStored)).toBe(false);
  });

  it('rejects any password for a missing account', async () => {
    expect(await hasher.verify('not-a-password', null)).toBe(false);
  });

  it('rejects a tampered hash', async () => {
    const parts = stored.split('$');
    const hash = parts[5];
    parts[5] = (hash[0] === 'A' ? 'B' : 'A') + hash.slice(1);

    expect(await hasher.verify(password, parts.join('$'))).toBe(false);
  });

  it.each([
    ['garbage', 'not a hash'],
    ['an empty string', ''],
    ['another scheme', 'bcrypt$131072$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo'],
    ['missing parts', 'scrypt$131072$8$1'],
    ['non-numeric parameters', 'scrypt$abc$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo'],
    ['impossible parameters', 'scrypt$3$0$0$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo'],
  ])('rejects %s as a stored hash without throwing', async (_, malformed) => {
    await expect(hasher.verify(password, malformed)).resolves.toBe(false);
  });
});
