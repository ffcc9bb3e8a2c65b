import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { ConfigError, loadConfig } from './app-config.js';

const SECRET_32 = 'a'.repeat(32);

/** The message of the `ConfigError` that `env` makes `loadConfig` throw; '' when it loads. */
function bootError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
}

describe('loadConfig', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'app-config-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The ConfigError `loadConfig(env)` throws (fails the test when it does not throw one). */
  function configError(env: Record<string, string>): ConfigError {
    try {
      loadConfig({ DATA_DIR: dataDir, ...env });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
  }

  it('uses safe local defaults when only DATA_DIR is set', () => {
    const config = loadConfig({ DATA_DIR: dataDir });

    expect(config.server.port).toBe(3000);
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.server.trustProxy).toBe(false);
    expect(config.dataDir).toBe(dataDir);
    expect(config.database.sqlitePath).toBe(join(dataDir, 'image-forge.db'));
    expect(config.blobs.localDir).toBe(join(dataDir, 'blobs'));
    expect(config.providers.default).toBe('offline');
    expect(config.prompts.defaultStrategy).toBe('random');
    expect(config.auth.adminEmails.size).toBe(0);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATA_DIR: dataDir, PORT: '' }).server.port).toBe(3000);
  });

  it.each([
    ['PORT', '99999'],
    ['PORT', 'abc'],
    ['LOG_LEVEL', 'loud'],
    ['GENERATION_CONCURRENCY', '0'],
  ])('refuses %s=%s and names the variable', (name, value) => {
    expect(configError({ [name]: value }).message).toContain(name);
  });

  it('names every bad variable in one message', () => {
    const { message } = configError({
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      GENERATION_CONCURRENCY: '0',
    });

    expect(message).toContain('PORT');
    expect(message).toContain('LOG_LEVEL');
    expect(message).toContain('GENERATION_CONCURRENCY');
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('reads TRUST_PROXY=%s as %s', (value, expected) => {
    expect(loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: value }).server.trustProxy).toBe(expected);
  });

  it('refuses TRUST_PROXY=yes', () => {
    expect(configError({ TRUST_PROXY: 'yes' }).message).toContain('TRUST_PROXY');
  });

  describe('JWT_SECRET in production', () => {
    it('is required', () => {
      expect(configError({ NODE_ENV: 'production' }).message).toContain('JWT_SECRET');
    });

    it('must be at least 32 bytes', () => {
      const { message } = configError({ NODE_ENV: 'production', JWT_SECRET: 'a'.repeat(31) });
      expect(message).toContain('JWT_SECRET');
    });

    it('is used as given when it is 32 bytes', () => {
      const config = loadConfig({
        DATA_DIR: dataDir,
        NODE_ENV: 'production',
        JWT_SECRET: SECRET_32,
      });
      expect(config.auth.jwtSecret).toBe(SECRET_32);
    });

    it('counts bytes, not characters', () => {
      // 16 two-byte characters: 32 bytes.
      const secret = 'é'.repeat(16);
      const config = loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production', JWT_SECRET: secret });
      expect(config.auth.jwtSecret).toBe(secret);
    });
  });

  describe('PASSWORD_HASH_COST', () => {
    it("is OWASP's scrypt cost (2^17) unless set", () => {
      expect(loadConfig({ DATA_DIR: dataDir }).auth.passwordHashCost).toBe(17);
    });

    it('may be lowered outside production, for tests', () => {
      const config = loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test', PASSWORD_HASH_COST: '10' });
      expect(config.auth.passwordHashCost).toBe(10);
    });

    it('is refused below 17 in production, and taken above', () => {
      const production = { NODE_ENV: 'production', JWT_SECRET: SECRET_32 };
      const { message } = configError({ ...production, PASSWORD_HASH_COST: '16' });
      expect(message).toContain('PASSWORD_HASH_COST: must be at least 17 in production');

      const config = loadConfig({ DATA_DIR: dataDir, ...production, PASSWORD_HASH_COST: '18' });
      expect(config.auth.passwordHashCost).toBe(18);
    });

    it.each(['9', '21', '17.5'])('is refused at %s', (value) => {
      expect(configError({ PASSWORD_HASH_COST: value }).message).toContain(
        `PASSWORD_HASH_COST: must be an integer from 10 to 20 (got "${value}")`,
      );
    });
  });

  describe('JWT_SECRET outside production', () => {
    it('is generated once under DATA_DIR, readable by its owner only, and kept across restarts', async () => {
      const first = loadConfig({ DATA_DIR: dataDir });
      const file = join(dataDir, 'jwt-secret');

      expect(Buffer.byteLength(first.auth.jwtSecret)).toBeGreaterThanOrEqual(32);
      expect((await readFile(file, 'utf8')).trim()).toBe(first.auth.jwtSecret);
      expect((await stat(file)).mode & 0o777).toBe(0o600);

      const second = loadConfig({ DATA_DIR: dataDir });
      expect(second.auth.jwtSecret).toBe(first.auth.jwtSecret);
    });

    it('differs between data directories', async () => {
      const other = await mkdtemp(join(tmpdir(), 'app-config-'));
      try {
        expect(loadConfig({ DATA_DIR: other }).auth.jwtSecret).not.toBe(
          loadConfig({ DATA_DIR: dataDir }).auth.jwtSecret,
        );
      } finally {
        await rm(other, { recursive: true, force: true });
      }
    });

    it('is still refused when given and too short', () => {
      expect(configError({ JWT_SECRET: 'short' }).message).toContain('JWT_SECRET');
    });
  });

  it.each([
    ['PORT', 'abc', 'PORT: must be an integer from 0 to 65535 (got "abc")'],
    ['PORT', '99999', 'PORT: must be an integer from 0 to 65535 (got "99999")'],
    ['PORT', '80.5', 'PORT: must be an integer from 0 to 65535 (got "80.5")'],
    [
      'GENERATION_CONCURRENCY',
      '0',
      'GENERATION_CONCURRENCY: must be an integer from 1 to 64 (got "0")',
    ],
    [
      'GENERATION_RETRY_BASE_MS',
      '-1',
      'GENERATION_RETRY_BASE_MS: must be an integer of at least 0 (got "-1")',
    ],
    ['TRUST_PROXY', 'yes', 'TRUST_PROXY: must be true, false, 1 or 0 (got "yes")'],
  ])('says once what %s=%s should be, quoting the value as given', (name, value, line) => {
    const { message } = configError({ [name]: value });

    expect(message.split('\n').filter((l) => l.includes(name))).toEqual([`  ${line}`]);
    expect(message).not.toContain('null');
  });

  it.each([
    ['not-an-email', ['"not-an-email"']],
    ['admin@example.com, nope,also@bad', ['"nope"', '"also@bad"']],
  ])('refuses ADMIN_EMAILS=%j, naming each bad entry', (value, bad) => {
    const { message } = configError({ ADMIN_EMAILS: value });

    expect(message).toContain('ADMIN_EMAILS');
    expect(message).toContain(`not e-mail addresses: ${bad.join(', ')}`);
  });

  it('splits, trims and lower-cases ADMIN_EMAILS', () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      ADMIN_EMAILS: ' Alice@Example.COM, bob@example.com ,,',
    });

    expect([...config.auth.adminEmails].sort()).toEqual(['alice@example.com', 'bob@example.com']);
  });
});

describe('loadConfig: what each chosen adapter needs', () => {
  const base = { DATA_DIR: mkdtempSync(join(tmpdir(), 'config-drivers-')) };
  const message = (env: Record<string, string>): string => bootError({ ...base, ...env });

  it.each([
    [{ DATABASE_DRIVER: 'cosmos' }, ['COSMOS_ENDPOINT', 'COSMOS_KEY']],
    [{ DATABASE_DRIVER: 'mongo' }, ['MONGODB_URI']],
    [{ DATABASE_DRIVER: 'mongo', MONGODB_URI: 'postgres://x' }, ['MONGODB_URI']],
    [{ BLOB_DRIVER: 'azure' }, ['AZURE_STORAGE_CONNECTION_STRING']],
    [
      { BLOB_DRIVER: 'azure', AZURE_STORAGE_ACCOUNT_URL: 'https://acct.blob.core.windows.net' },
      ['AZURE_STORAGE_CONNECTION_STRING'],
    ],
    [{ BLOB_DRIVER: 's3' }, ['S3_BUCKET']],
    [
      { BLOB_DRIVER: 's3', S3_BUCKET: 'images', AWS_ACCESS_KEY_ID: 'AKIA' },
      ['AWS_SECRET_ACCESS_KEY'],
    ],
    [{ IMAGE_PROVIDER: 'openai' }, ['OPENAI_API_KEY']],
    [{ PROMPT_STRATEGY: 'llm' }, ['OPENAI_API_KEY']],
    [{ IMAGE_PROVIDER: 'replicate' }, ['REPLICATE_API_TOKEN']],
    [{ REPLICATE_MODEL: 'not a model' }, ['REPLICATE_MODEL']],
    [{ AUTO_GENERATE_CRON: '61 * * * *' }, ['AUTO_GENERATE_CRON']],
    [
      { AUTO_GENERATE_CRON: '0 9 * * *', AUTO_GENERATE_TIMEZONE: 'Mars/Base' },
      ['AUTO_GENERATE_TIMEZONE'],
    ],
    [
      { AUTO_GENERATE_CRON: '0 9 * * *', AUTO_GENERATE_STRATEGY: 'literal' },
      ['AUTO_GENERATE_STRATEGY'],
    ],
    [{ SCHEDULE_CATCH_UP: 'all' }, ['SCHEDULE_CATCH_UP']],
    [{ STORE_READ_TIMEOUT_MS: '50' }, ['STORE_READ_TIMEOUT_MS']],
  ])('%j stops the boot naming %j', (env, variables) => {
    const text = message(env);
    for (const variable of variables) expect(text).toContain(variable);
  });

  it('bounds remote store reads at 5 s unless told otherwise', () => {
    const remote = {
      ...base,
      DATABASE_DRIVER: 'cosmos',
      COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/',
      COSMOS_KEY: 'k',
      S3_BUCKET: 'images',
    };
    const bounds = (config: ReturnType<typeof loadConfig>) => [
      config.database.cosmos?.readTimeoutMs,
      config.blobs.azure?.readTimeoutMs,
      config.blobs.s3?.readTimeoutMs,
    ];
    expect(bounds(loadConfig(remote))).toEqual([5000, 5000, 5000]);
    expect(bounds(loadConfig({ ...remote, STORE_READ_TIMEOUT_MS: '1500' }))).toEqual([
      1500, 1500, 1500,
    ]);
  });

  it('accepts each backend when its settings are there', () => {
    expect(
      message({
        DATABASE_DRIVER: 'cosmos',
        COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/',
        COSMOS_KEY: 'k',
        BLOB_DRIVER: 'azure',
        AZURE_STORAGE_ACCOUNT_URL: 'https://acct.blob.core.windows.net',
        AZURE_STORAGE_SAS_TOKEN: 'sv=2024',
        IMAGE_PROVIDER: 'replicate',
        REPLICATE_API_TOKEN: 'r8_x',
      }),
    ).toBe('');
    expect(
      message({
        DATABASE_DRIVER: 'mongo',
        MONGODB_URI: 'mongodb+srv://u:p@cluster.example.net/db',
        BLOB_DRIVER: 's3',
        S3_BUCKET: 'images',
      }),
    ).toBe('');
  });
});

describe('loadConfig: CORS and throttling', () => {
  const base = { DATA_DIR: mkdtempSync(join(tmpdir(), 'config-edge-')) };
  const message = (env: Record<string, string>): string => bootError({ ...base, ...env });

  it('has no CORS origin and throttles the credential routes by default', () => {
    const config = loadConfig(base);

    expect(config.cors).toEqual({ origins: [], credentials: false });
    expect(config.throttle).toEqual({
      windowSeconds: 60,
      limits: {
        register: { perIp: 5, perEmail: 0, perAccount: 0 },
        login: { perIp: 10, perEmail: 5, perAccount: 0 },
        refresh: { perIp: 30, perEmail: 0, perAccount: 0 },
        password: { perIp: 10, perEmail: 0, perAccount: 5 },
      },
    });
  });

  it('splits CORS_ORIGINS into exact origins', () => {
    const config = loadConfig({
      ...base,
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173,,',
    });
    expect(config.cors.origins).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it.each([
    ['*', '"*"'],
    ['https://app.example.com/', '"https://app.example.com/"'],
    ['https://app.example.com/path', '"https://app.example.com/path"'],
    ['https://App.Example.com', '"https://App.Example.com"'],
    ['app.example.com', '"app.example.com"'],
    ['ftp://files.example.com', '"ftp://files.example.com"'],
    ['null', '"null"'],
  ])('refuses CORS_ORIGINS=%s, naming the entry', (value, entry) => {
    const text = message({ CORS_ORIGINS: `https://ok.example.com,${value}` });
    expect(text).toContain('CORS_ORIGINS');
    expect(text).toContain(`not origins: ${entry}`);
  });

  it.each([
    ['THROTTLE_LOGIN_PER_IP', '-1'],
    ['THROTTLE_LOGIN_PER_EMAIL', 'many'],
    ['THROTTLE_WINDOW_SECONDS', '0'],
    ['CORS_CREDENTIALS', 'yes'],
  ])('refuses %s=%s', (name, value) => {
    expect(message({ [name]: value })).toContain(name);
  });

  it('reads 0 as no limit', () => {
    const config = loadConfig({
      ...base,
      THROTTLE_LOGIN_PER_IP: '0',
      THROTTLE_LOGIN_PER_EMAIL: '0',
    });
    expect(config.throttle.limits.login).toEqual({ perIp: 0, perEmail: 0, perAccount: 0 });
  });
});

describe('loadConfig: sessions and quotas', () => {
  const base = { DATA_DIR: mkdtempSync(join(tmpdir(), 'config-accounts-')) };

  it('keeps access tokens short and sessions a month, and allows 100 images a day', () => {
    const config = loadConfig(base);

    expect(config.auth.ttlSeconds).toBe(900);
    expect(config.auth.refreshTtlSeconds).toBe(30 * 24 * 3600);
    expect(config.auth.sessionPruneIntervalMs).toBe(60 * 60_000);
    expect(config.auth.refreshReuseGraceSeconds).toBe(10);
    expect(config.generation.dailyImageQuota).toBe(100);
  });

  it('reads DAILY_IMAGE_QUOTA=0 as no limit', () => {
    expect(loadConfig({ ...base, DAILY_IMAGE_QUOTA: '0' }).generation.dailyImageQuota).toBe(0);
  });

  it.each([
    ['DAILY_IMAGE_QUOTA', '-1'],
    ['DAILY_IMAGE_QUOTA', 'lots'],
    ['REFRESH_TTL_SECONDS', '60'],
    ['JWT_TTL_SECONDS', '10'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(name);
  });
});
