import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EnvironmentVariables, type LogLevel } from './env.schema.js';

/** The validated, typed configuration. Injected by class; read nowhere but here from the env. */
export class AppConfig {
  readonly env: EnvironmentVariables['NODE_ENV'];
  readonly server: {
    readonly port: number;
    readonly host: string;
    readonly bodyLimit: number;
    readonly trustProxy: boolean;
  };
  readonly logLevel: LogLevel;
  readonly dataDir: string;
  readonly auth: {
    readonly jwtSecret: string;
    readonly issuer: string;
    readonly audience: string;
    readonly ttlSeconds: number;
    readonly adminEmails: ReadonlySet<string>;
  };
  readonly database: { readonly driver: 'sqlite'; readonly sqlitePath: string };
  readonly blobs: {
    readonly driver: 'local';
    readonly localDir: string;
    readonly sweepGraceMs: number;
  };
  readonly providers: { readonly default: string; readonly offlineLatencyMs: number };
  readonly prompts: { readonly defaultStrategy: string };
  readonly generation: {
    readonly concurrency: number;
    readonly maxAttempts: number;
    readonly retryBaseMs: number;
    readonly timeoutMs: number;
    readonly heartbeatMs: number;
    readonly staleAfterMs: number;
    readonly pollMs: number;
    readonly maxActivePerUser: number;
    readonly maxImagePixels: number;
  };

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const MIN_SECRET_BYTES = 32;

/**
 * Validates `env` into an `AppConfig`, or throws a `ConfigError` whose message names every bad
 * variable. Outside production a missing JWT secret is generated once under DATA_DIR (mode 0600)
 * so that restarts keep sessions.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const present = Object.fromEntries(
    Object.keys(new EnvironmentVariables())
      .concat(['JWT_SECRET', 'SQLITE_PATH', 'BLOB_LOCAL_DIR'])
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const vars = plainToInstance(EnvironmentVariables, present, { exposeDefaultValues: true });
  const errors = validateSync(vars, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${errors.map(describe).join('\n')}`);
  }

  const dataDir = resolve(vars.DATA_DIR);
  const inDataDir = (path: string | undefined, fallback: string): string =>
    path ? (isAbsolute(path) ? path : resolve(path)) : join(dataDir, fallback);

  return new AppConfig({
    env: vars.NODE_ENV,
    server: {
      port: vars.PORT,
      host: vars.HOST,
      bodyLimit: vars.BODY_LIMIT_BYTES,
      trustProxy: vars.TRUST_PROXY,
    },
    logLevel: vars.LOG_LEVEL,
    dataDir,
    auth: {
      jwtSecret: resolveJwtSecret(vars, dataDir),
      issuer: vars.JWT_ISSUER,
      audience: vars.JWT_AUDIENCE,
      ttlSeconds: vars.JWT_TTL_SECONDS,
      adminEmails: new Set(
        vars.ADMIN_EMAILS.split(',')
          .map((email) => email.trim().toLowerCase())
          .filter(Boolean),
      ),
    },
    database: {
      driver: vars.DATABASE_DRIVER,
      sqlitePath:
        vars.SQLITE_PATH === ':memory:'
          ? ':memory:'
          : inDataDir(vars.SQLITE_PATH, 'image-forge.db'),
    },
    blobs: {
      driver: vars.BLOB_DRIVER,
      localDir: inDataDir(vars.BLOB_LOCAL_DIR, 'blobs'),
      sweepGraceMs: vars.BLOB_SWEEP_GRACE_MS,
    },
    providers: { default: vars.IMAGE_PROVIDER, offlineLatencyMs: vars.OFFLINE_LATENCY_MS },
    prompts: { defaultStrategy: vars.PROMPT_STRATEGY },
    generation: {
      concurrency: vars.GENERATION_CONCURRENCY,
      maxAttempts: vars.GENERATION_MAX_ATTEMPTS,
      retryBaseMs: vars.GENERATION_RETRY_BASE_MS,
      timeoutMs: vars.GENERATION_TIMEOUT_MS,
      heartbeatMs: vars.GENERATION_HEARTBEAT_MS,
      staleAfterMs: vars.GENERATION_STALE_AFTER_MS,
      pollMs: vars.GENERATION_POLL_MS,
      maxActivePerUser: vars.GENERATION_MAX_ACTIVE_PER_USER,
      maxImagePixels: vars.MAX_IMAGE_PIXELS,
    },
  });
}

function describe(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  return `  ${error.property}: ${reasons} (got ${JSON.stringify(error.value)})`;
}

function resolveJwtSecret(vars: EnvironmentVariables, dataDir: string): string {
  const secret = vars.JWT_SECRET;
  if (secret !== undefined) {
    if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
      throw new ConfigError(
        `Invalid configuration:\n  JWT_SECRET: must be at least ${MIN_SECRET_BYTES} bytes (got ${Buffer.byteLength(secret)})`,
      );
    }
    return secret;
  }
  if (vars.NODE_ENV === 'production') {
    throw new ConfigError(
      `Invalid configuration:\n  JWT_SECRET: required in production, at least ${MIN_SECRET_BYTES} bytes (generate one with \`openssl rand -base64 48\`)`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'jwt-secret');
  // Written whole to a temp file, then linked into place: link fails if the file exists, so when
  // two processes start at once one secret wins and nobody reads a half-written file.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, randomBytes(48).toString('base64url'), { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
  return readFileSync(file, 'utf8').trim();
}
