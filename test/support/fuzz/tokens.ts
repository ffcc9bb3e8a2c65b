import { createHmac } from 'node:crypto';

const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An HS256 JWT over `claims` (any header), signed with `secret`. */
export function signJwt(
  claims: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const head = `${b64(header)}.${b64(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

export interface TokenSubject {
  readonly userId: string;
  readonly jwtSecret: string;
  readonly issuer?: string;
  readonly audience?: string;
}

/**
 * `Authorization` values that must not authenticate anyone (each a 401 on a route that checks
 * credentials): forged, expired, never-expiring, future, wrong issuer or audience, algorithm
 * confusion, malformed. By what each tries.
 */
export function forgedAuthorizations(subject: TokenSubject): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: subject.userId,
    iss: subject.issuer ?? 'image-forge',
    aud: subject.audience ?? 'image-forge-api',
    iat: now,
    exp: now + 600,
  };
  const without = (key: keyof typeof claims) =>
    Object.fromEntries(Object.entries(claims).filter(([name]) => name !== key));
  const noExp = without('exp');
  const noIat = without('iat');
  const secret = subject.jwtSecret;
  const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
  return {
    'no token': '',
    'empty bearer': 'Bearer ',
    'scheme only': 'Bearer',
    'basic auth': `Basic ${Buffer.from('ada@example.com:correct horse').toString('base64')}`,
    'not a JWT': 'Bearer not-a-token',
    'three dots': 'Bearer a.b.c',
    'wrong secret': `Bearer ${signJwt(claims, 'x'.repeat(48))}`,
    'alg none': `Bearer ${unsigned}`,
    'alg none, signed anyway': `Bearer ${signJwt(claims, secret, { alg: 'none', typ: 'JWT' })}`,
    'alg HS512': `Bearer ${signJwt(claims, secret, { alg: 'HS512', typ: 'JWT' })}`,
    'alg RS256 header': `Bearer ${signJwt(claims, secret, { alg: 'RS256', typ: 'JWT' })}`,
    'no exp': `Bearer ${signJwt(noExp, secret)}`,
    'no iat': `Bearer ${signJwt(noIat, secret)}`,
    expired: `Bearer ${signJwt({ ...claims, iat: now - 7200, exp: now - 3600 }, secret)}`,
    'issued in the future': `Bearer ${signJwt({ ...claims, iat: now + 3600, exp: now + 7200 }, secret)}`,
    'exp as a string': `Bearer ${signJwt({ ...claims, exp: String(now + 600) }, secret)}`,
    'wrong issuer': `Bearer ${signJwt({ ...claims, iss: 'someone-else' }, secret)}`,
    'wrong audience': `Bearer ${signJwt({ ...claims, aud: 'another-api' }, secret)}`,
    'unknown subject': `Bearer ${signJwt({ ...claims, sub: '0192f3a4-7b1c-7d2e-8f90-1a2b3c4d5e6f' }, secret)}`,
    'subject not a string': `Bearer ${signJwt({ ...claims, sub: { $ne: null } }, secret)}`,
    'session not a string': `Bearer ${signJwt({ ...claims, sid: 42 }, secret)}`,
    'tampered payload': `Bearer ${signJwt(claims, secret).replace(/\.[^.]+\./, `.${b64({ ...claims, role: 'admin' })}.`)}`,
    'huge token': `Bearer ${'a'.repeat(8_000)}`,
    'unknown api key': 'Bearer ifk_0000000000000000000000000000000000000000',
    'api key prefix only': 'Bearer ifk_',
  };
}
