import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateCronExpression } from 'cron';
import { validateSync, type ValidationError } from 'class-validator';
import {
  EnvironmentVariables,
  type BLOB_DRIVERS,
  type CATCH_UP_POLICIES,
  type DATABASE_DRIVERS,
  type LogLevel,
} from './env.schema.js';

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
  readonly database: {
    readonly driver: (typeof DATABASE_DRIVERS)[number];
    readonly sqlitePath: string;
    readonly cosmos?: {
      readonly endpoint: string;
      readonly key: string;
      readonly database: string;
    };
    readonly mongoUri?: string;
  };
  readonly blobs: {
    readonly driver: (typeof BLOB_DRIVERS)[number];
    readonly localDir: string;
    readonly sweepGraceMs: number;
    /** Content routes redirect to signed URLs where the store can make them. */
    readonly signedUrls: boolean;
    readonly signedUrlTtlSeconds: number;
    readonly azure?: {
      readonly connectionString?: string;
      readonly accountUrl?: string;
      readonly accountKey?: string;
      readonly sasToken?: string;
      readonly container: string;
    };
    readonly s3?: {
      readonly bucket: string;
      readonly region: string;
      readonly endpoint?: string;
      readonly forcePathStyle: boolean;
      readonly accessKeyId?: string;
      readonly secretAccessKey?: string;
    };
  };
  readonly providers: {
    readonly default: string;
    readonly offlineLatencyMs: number;
    readonly openai: {
      readonly apiKey?: string;
      readonly baseUrl?: string;
      readonly imageModel: string;
      readonly promptModel: string;
      readonly concurrency: number;
      readonly imagesPerMinute: number;
      readonly downloadHosts: readonly string[];
    };
    readonly replicate: {
      readonly apiToken?: string;
      readonly baseUrl?: string;
      readonly model: string;
      readonly concurrency: number;
      readonly imagesPerMinute: number;
      readonly predictionTimeoutMs: number;
      readonly downloadHosts: readonly string[];
    };
    readonly download: { readonly maxBytes: number; readonly timeoutMs: number };
  };
  readonly prompts: { readonly defaultStrategy: string };
  readonly schedules: {
    readonly minIntervalSeconds: number;
    readonly maxPerUser: number;
    readonly reconcileMs: number;
    readonly catchUp: (typeof CATCH_UP_POLICIES)[number];
    readonly maxConsecutiveFailures: number;
    readonly auto?: {
      readonly cron: string;
      readonly timezone: string;
      readonly strategy: 'random' | 'literal' | 'llm';
      readonly theme: string | null;
      readonly provider: string;
    };
  };
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
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const vars = plainToInstance(EnvironmentVariables, present, { exposeDefaultValues: true });
  const errors = validateSync(vars, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const lines = errors.map((error) => describe(error, present[error.property]));
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }

  const missing = crossFieldProblems(vars);
  if (missing.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${missing.join('\n')}`);
  }

  const dataDir = resolve(vars.DATA_DIR);
  const list = (value: string) =>
    value
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean);
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
      adminEmails: new Set(list(vars.ADMIN_EMAILS)),
    },
    database: {
      driver: vars.DATABASE_DRIVER,
      sqlitePath:
        vars.SQLITE_PATH === ':memory:'
          ? ':memory:'
          : inDataDir(vars.SQLITE_PATH, 'image-forge.db'),
      cosmos:
        vars.COSMOS_ENDPOINT && vars.COSMOS_KEY
          ? { endpoint: vars.COSMOS_ENDPOINT, key: vars.COSMOS_KEY, database: vars.COSMOS_DATABASE }
          : undefined,
      mongoUri: vars.MONGODB_URI,
    },
    blobs: {
      driver: vars.BLOB_DRIVER,
      localDir: inDataDir(vars.BLOB_LOCAL_DIR, 'blobs'),
      sweepGraceMs: vars.BLOB_SWEEP_GRACE_MS,
      signedUrls: vars.BLOB_SIGNED_URLS,
      signedUrlTtlSeconds: vars.BLOB_SIGNED_URL_TTL_SECONDS,
      azure: {
        connectionString: vars.AZURE_STORAGE_CONNECTION_STRING,
        accountUrl: vars.AZURE_STORAGE_ACCOUNT_URL,
        accountKey: vars.AZURE_STORAGE_ACCOUNT_KEY,
        sasToken: vars.AZURE_STORAGE_SAS_TOKEN,
        container: vars.AZURE_STORAGE_CONTAINER,
      },
      s3: vars.S3_BUCKET
        ? {
            bucket: vars.S3_BUCKET,
            region: vars.S3_REGION,
            endpoint: vars.S3_ENDPOINT,
            forcePathStyle: vars.S3_FORCE_PATH_STYLE,
            accessKeyId: vars.AWS_ACCESS_KEY_ID,
            secretAccessKey: vars.AWS_SECRET_ACCESS_KEY,
          }
        : undefined,
    },
    providers: {
      default: vars.IMAGE_PROVIDER,
      offlineLatencyMs: vars.OFFLINE_LATENCY_MS,
      openai: {
        apiKey: vars.OPENAI_API_KEY,
        baseUrl: vars.OPENAI_BASE_URL,
        imageModel: vars.OPENAI_IMAGE_MODEL,
        promptModel: vars.OPENAI_PROMPT_MODEL,
        concurrency: vars.OPENAI_CONCURRENCY,
        imagesPerMinute: vars.OPENAI_IMAGES_PER_MINUTE,
        downloadHosts: list(vars.OPENAI_DOWNLOAD_HOSTS),
      },
      replicate: {
        apiToken: vars.REPLICATE_API_TOKEN,
        baseUrl: vars.REPLICATE_BASE_URL,
        model: vars.REPLICATE_MODEL,
        concurrency: vars.REPLICATE_CONCURRENCY,
        imagesPerMinute: vars.REPLICATE_IMAGES_PER_MINUTE,
        predictionTimeoutMs: vars.REPLICATE_PREDICTION_TIMEOUT_MS,
        downloadHosts: list(vars.REPLICATE_DOWNLOAD_HOSTS),
      },
      download: { maxBytes: vars.DOWNLOAD_MAX_BYTES, timeoutMs: vars.DOWNLOAD_TIMEOUT_MS },
    },
    prompts: { defaultStrategy: vars.PROMPT_STRATEGY },
    schedules: {
      minIntervalSeconds: vars.SCHEDULE_MIN_INTERVAL_SECONDS,
      maxPerUser: vars.SCHEDULE_MAX_PER_USER,
      reconcileMs: vars.SCHEDULE_RECONCILE_MS,
      catchUp: vars.SCHEDULE_CATCH_UP,
      maxConsecutiveFailures: vars.SCHEDULE_MAX_CONSECUTIVE_FAILURES,
      auto: vars.AUTO_GENERATE_CRON
        ? {
            cron: vars.AUTO_GENERATE_CRON,
            timezone: vars.AUTO_GENERATE_TIMEZONE,
            strategy: vars.AUTO_GENERATE_STRATEGY,
            theme: vars.AUTO_GENERATE_THEME ?? null,
            provider: vars.AUTO_GENERATE_PROVIDER ?? vars.IMAGE_PROVIDER,
          }
        : undefined,
    },
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

/**
 * Settings a chosen adapter cannot run without: each missing one is named, with what needs it.
 * (Per-request providers are checked when used; only the defaults must be usable at boot.)
 */
function crossFieldProblems(vars: EnvironmentVariables): string[] {
  const missing: string[] = [];
  const need = (when: boolean, variable: string, reason: string) => {
    if (when) missing.push(`  ${variable}: required when ${reason}`);
  };
  const db = vars.DATABASE_DRIVER;
  need(db === 'cosmos' && !vars.COSMOS_ENDPOINT, 'COSMOS_ENDPOINT', 'DATABASE_DRIVER=cosmos');
  need(db === 'cosmos' && !vars.COSMOS_KEY, 'COSMOS_KEY', 'DATABASE_DRIVER=cosmos');
  need(db === 'mongo' && !vars.MONGODB_URI, 'MONGODB_URI', 'DATABASE_DRIVER=mongo');
  const blob = vars.BLOB_DRIVER;
  const azureAuth =
    vars.AZURE_STORAGE_CONNECTION_STRING ??
    (vars.AZURE_STORAGE_ACCOUNT_URL &&
      (vars.AZURE_STORAGE_ACCOUNT_KEY ?? vars.AZURE_STORAGE_SAS_TOKEN));
  need(
    blob === 'azure' && !azureAuth,
    'AZURE_STORAGE_CONNECTION_STRING',
    'BLOB_DRIVER=azure (or AZURE_STORAGE_ACCOUNT_URL with AZURE_STORAGE_ACCOUNT_KEY or AZURE_STORAGE_SAS_TOKEN)',
  );
  need(blob === 's3' && !vars.S3_BUCKET, 'S3_BUCKET', 'BLOB_DRIVER=s3');
  need(
    Boolean(vars.AWS_ACCESS_KEY_ID) !== Boolean(vars.AWS_SECRET_ACCESS_KEY),
    vars.AWS_ACCESS_KEY_ID ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID',
    'the other of AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY is set',
  );
  need(
    vars.IMAGE_PROVIDER === 'openai' && !vars.OPENAI_API_KEY,
    'OPENAI_API_KEY',
    'IMAGE_PROVIDER=openai',
  );
  need(
    vars.PROMPT_STRATEGY === 'llm' && !vars.OPENAI_API_KEY,
    'OPENAI_API_KEY',
    'PROMPT_STRATEGY=llm',
  );
  need(
    vars.IMAGE_PROVIDER === 'replicate' && !vars.REPLICATE_API_TOKEN,
    'REPLICATE_API_TOKEN',
    'IMAGE_PROVIDER=replicate',
  );
  if (
    vars.AUTO_GENERATE_CRON !== undefined &&
    !validateCronExpression(vars.AUTO_GENERATE_CRON).valid
  ) {
    missing.push(
      `  AUTO_GENERATE_CRON: not a valid cron expression (got ${JSON.stringify(vars.AUTO_GENERATE_CRON)})`,
    );
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: vars.AUTO_GENERATE_TIMEZONE });
  } catch {
    missing.push(
      `  AUTO_GENERATE_TIMEZONE: not an IANA time zone (got ${JSON.stringify(vars.AUTO_GENERATE_TIMEZONE)})`,
    );
  }
  const auto = vars.AUTO_GENERATE_CRON !== undefined;
  need(
    auto && vars.AUTO_GENERATE_STRATEGY === 'llm' && !vars.OPENAI_API_KEY,
    'OPENAI_API_KEY',
    'AUTO_GENERATE_STRATEGY=llm',
  );
  if (auto && vars.AUTO_GENERATE_STRATEGY === 'literal') {
    missing.push(
      '  AUTO_GENERATE_STRATEGY: must be random or llm (the built-in schedule has no prompt text)',
    );
  }
  return missing;
}

/**
 * `  PORT: must be an integer from 0 to 65535 (got "abc")`: the variable, what it must be, and
 * the value as it was set (the converted one would say `NaN`, printed as `null`).
 */
function describe(error: ValidationError, given: string | undefined): string {
  const reasons = Object.values(error.constraints ?? {})
    .map((reason) => reason.replace(new RegExp(`^${error.property} `), ''))
    .join('; ');
  return `  ${error.property}: ${reasons} (got ${JSON.stringify(given)})`;
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
