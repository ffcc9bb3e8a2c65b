import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type {
  AuthConfig,
  BlobsConfig,
  GalleryConfig,
  CorsConfig,
  DatabaseConfig,
  GenerationConfig,
  HealthConfig,
  MetricsConfig,
  PromptsConfig,
  ProvidersConfig,
  SchedulesConfig,
  ServerConfig,
  ThrottleConfig,
} from './config-slices.js';
import { listOf, SETTINGS } from './env.decorators.js';
import { EnvironmentVariables, type LogLevel } from './env.schema.js';

/**
 * The validated, typed configuration: its slices, and the few settings of the process itself.
 * Injected by class; read nowhere but here from the env. A service that reads one slice injects
 * that slice instead (see `config-slices.ts`).
 */
export class AppConfig {
  readonly env: EnvironmentVariables['NODE_ENV'];
  readonly server: ServerConfig;
  readonly cors: CorsConfig;
  readonly throttle: ThrottleConfig;
  readonly logLevel: LogLevel;
  readonly dataDir: string;
  readonly auth: AuthConfig;
  readonly database: DatabaseConfig;
  readonly blobs: BlobsConfig;
  readonly gallery: GalleryConfig;
  readonly providers: ProvidersConfig;
  readonly prompts: PromptsConfig;
  readonly schedules: SchedulesConfig;
  readonly generation: GenerationConfig;
  readonly health: HealthConfig;
  readonly metrics: MetricsConfig;

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
  // Each variable on its own first; the SETTINGS rules (what a chosen adapter needs) only then.
  const errors = validateSync(vars, {
    whitelist: true,
    forbidUnknownValues: true,
    strictGroups: true,
  });
  if (errors.length > 0) {
    const lines = errors.map((error) => describe(error, present[error.property]));
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  // One line per rule, in the order they are written (decorators apply, and run, bottom-up).
  const problems = validateSync(vars, { groups: [SETTINGS] }).flatMap((error) =>
    Object.values(error.constraints ?? {})
      .reverse()
      .map((reason) => `  ${error.property}: ${reason}`),
  );
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }

  const dataDir = resolve(vars.DATA_DIR);
  const list = (value: string) => listOf(value).map((item) => item.toLowerCase());
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
    cors: { origins: listOf(vars.CORS_ORIGINS), credentials: vars.CORS_CREDENTIALS },
    throttle: {
      windowSeconds: vars.THROTTLE_WINDOW_SECONDS,
      limits: {
        register: { perIp: vars.THROTTLE_REGISTER_PER_IP, perEmail: 0, perAccount: 0 },
        login: {
          perIp: vars.THROTTLE_LOGIN_PER_IP,
          perEmail: vars.THROTTLE_LOGIN_PER_EMAIL,
          perAccount: 0,
        },
        refresh: { perIp: vars.THROTTLE_REFRESH_PER_IP, perEmail: 0, perAccount: 0 },
        password: {
          perIp: vars.THROTTLE_PASSWORD_PER_IP,
          perEmail: 0,
          perAccount: vars.THROTTLE_PASSWORD_PER_ACCOUNT,
        },
      },
    },
    logLevel: vars.LOG_LEVEL,
    dataDir,
    auth: {
      jwtSecret: resolveJwtSecret(vars, dataDir),
      issuer: vars.JWT_ISSUER,
      audience: vars.JWT_AUDIENCE,
      ttlSeconds: vars.JWT_TTL_SECONDS,
      refreshTtlSeconds: vars.REFRESH_TTL_SECONDS,
      refreshReuseGraceSeconds: vars.REFRESH_REUSE_GRACE_SECONDS,
      sessionPruneIntervalMs: vars.SESSION_PRUNE_INTERVAL_MS,
      adminEmails: new Set(list(vars.ADMIN_EMAILS)),
      passwordHashCost: vars.PASSWORD_HASH_COST,
    },
    database: {
      driver: vars.DATABASE_DRIVER,
      sqlitePath:
        vars.SQLITE_PATH === ':memory:'
          ? ':memory:'
          : inDataDir(vars.SQLITE_PATH, 'image-forge.db'),
      cosmos:
        vars.COSMOS_ENDPOINT && vars.COSMOS_KEY
          ? {
              endpoint: vars.COSMOS_ENDPOINT,
              key: vars.COSMOS_KEY,
              database: vars.COSMOS_DATABASE,
              readTimeoutMs: vars.STORE_READ_TIMEOUT_MS,
            }
          : undefined,
      mongoUri: vars.MONGODB_URI,
    },
    gallery: {
      pageCacheTtlMs: vars.GALLERY_CACHE_TTL_MS,
      pageCacheMaxBytes: vars.GALLERY_CACHE_MAX_BYTES,
      blobCacheMaxBytes: vars.GALLERY_BLOB_CACHE_MAX_BYTES,
    },
    blobs: {
      driver: vars.BLOB_DRIVER,
      localDir: inDataDir(vars.BLOB_LOCAL_DIR, 'blobs'),
      sweepGraceMs: vars.BLOB_SWEEP_GRACE_MS,
      sweepIntervalMs: vars.SWEEP_INTERVAL_MS,
      signedUrls: vars.BLOB_SIGNED_URLS,
      signedUrlTtlSeconds: vars.BLOB_SIGNED_URL_TTL_SECONDS,
      azure: {
        connectionString: vars.AZURE_STORAGE_CONNECTION_STRING,
        accountUrl: vars.AZURE_STORAGE_ACCOUNT_URL,
        accountKey: vars.AZURE_STORAGE_ACCOUNT_KEY,
        sasToken: vars.AZURE_STORAGE_SAS_TOKEN,
        container: vars.AZURE_STORAGE_CONTAINER,
        readTimeoutMs: vars.STORE_READ_TIMEOUT_MS,
      },
      s3: vars.S3_BUCKET
        ? {
            bucket: vars.S3_BUCKET,
            region: vars.S3_REGION,
            endpoint: vars.S3_ENDPOINT,
            forcePathStyle: vars.S3_FORCE_PATH_STYLE,
            accessKeyId: vars.AWS_ACCESS_KEY_ID,
            secretAccessKey: vars.AWS_SECRET_ACCESS_KEY,
            readTimeoutMs: vars.STORE_READ_TIMEOUT_MS,
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
      shutdownGraceMs: vars.SHUTDOWN_GRACE_MS,
      queue: { engine: vars.JOB_QUEUE, redisUrl: vars.REDIS_URL, prefix: vars.BULLMQ_PREFIX },
      dailyImageQuota: vars.DAILY_IMAGE_QUOTA,
      maxImagePixels: vars.MAX_IMAGE_PIXELS,
    },
    health: { minFreeDiskBytes: vars.MIN_FREE_DISK_BYTES },
    metrics: { token: vars.METRICS_TOKEN },
  });
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
