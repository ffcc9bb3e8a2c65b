/** Variables every test app starts with (`startApp`, `startService`, `compileWithFakes`). */

/**
 * Suites register and sign in far more often than the credential routes allow one client IP:
 * throttling is off unless a suite sets THROTTLE_* itself (the throttle suite does).
 */
export const THROTTLING_OFF: Record<string, string> = {
  THROTTLE_REGISTER_PER_IP: '0',
  THROTTLE_LOGIN_PER_IP: '0',
  THROTTLE_LOGIN_PER_EMAIL: '0',
  THROTTLE_REFRESH_PER_IP: '0',
  THROTTLE_PASSWORD_PER_IP: '0',
  THROTTLE_PASSWORD_PER_ACCOUNT: '0',
};

/**
 * Suites register and sign in hundreds of accounts, and a hash at OWASP's cost (the default,
 * 2^17) took 0.7 s of a core here: test apps hash at 2^10 (a few ms) unless a suite sets
 * PASSWORD_HASH_COST itself (the login flood in the hardening suite does). Hashes keep their own
 * parameters, so nothing else about sign-in changes.
 */
export const CHEAP_PASSWORD_HASHES: Record<string, string> = { PASSWORD_HASH_COST: '10' };
