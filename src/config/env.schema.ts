import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const DATABASE_DRIVERS = ['sqlite'] as const;
export const BLOB_DRIVERS = ['local'] as const;
export const IMAGE_PROVIDERS = ['offline'] as const;
export const PROMPT_STRATEGIES = ['random', 'literal'] as const;

const toBoolean = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? { true: true, '1': true, false: false, '0': false }[value] : value;

/**
 * Every environment variable the service reads, with its default. `.env.example` and the README's
 * configuration table list the same variables; `loadConfig()` validates them once at boot.
 */
export class EnvironmentVariables {
  /** `production` refuses unsafe settings (a missing or short JWT_SECRET, for one). */
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  /** TCP port of the HTTP server. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** Interface to bind; `0.0.0.0` to accept connections from other hosts (containers). */
  @IsString()
  HOST = '127.0.0.1';

  /** Where the embedded defaults keep their files (SQLite database, local blobs, dev JWT secret). */
  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** Largest accepted request body, in bytes; larger bodies get 413. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024)
  BODY_LIMIT_BYTES = 64 * 1024;

  /** Trust `X-Forwarded-*` headers (behind a reverse proxy or load balancer). */
  @Transform(toBoolean)
  @IsBoolean()
  TRUST_PROXY = false;

  /** HMAC key for access tokens: required, 32+ bytes, in production; generated under DATA_DIR otherwise. */
  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  @IsString()
  @MinLength(1)
  JWT_ISSUER = 'image-forge';

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE = 'image-forge-api';

  /** Lifetime of an access token, in seconds. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(30 * 24 * 3600)
  JWT_TTL_SECONDS = 24 * 3600;

  /** Comma-separated e-mails that get the `admin` role when they register. */
  @IsString()
  ADMIN_EMAILS = '';

  @IsIn(DATABASE_DRIVERS)
  DATABASE_DRIVER: (typeof DATABASE_DRIVERS)[number] = 'sqlite';

  /** SQLite database file; defaults to `$DATA_DIR/image-forge.db`. */
  @IsOptional()
  @IsString()
  SQLITE_PATH?: string;

  @IsIn(BLOB_DRIVERS)
  BLOB_DRIVER: (typeof BLOB_DRIVERS)[number] = 'local';

  /** Root folder of the local blob store; defaults to `$DATA_DIR/blobs`. */
  @IsOptional()
  @IsString()
  BLOB_LOCAL_DIR?: string;

  /** Blobs no record points at are swept at boot once they are older than this (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  BLOB_SWEEP_GRACE_MS = 15 * 60_000;

  /** Provider used when a request names none. */
  @IsIn(IMAGE_PROVIDERS)
  IMAGE_PROVIDER: (typeof IMAGE_PROVIDERS)[number] = 'offline';

  /** Prompt strategy used when a request gives neither a prompt nor a strategy. */
  @IsIn(PROMPT_STRATEGIES)
  PROMPT_STRATEGY: (typeof PROMPT_STRATEGIES)[number] = 'random';

  /** Simulated latency of the offline renderer, per image (ms): for demos and tests of long jobs. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  OFFLINE_LATENCY_MS = 0;

  /** Jobs one replica runs at once. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  GENERATION_CONCURRENCY = 2;

  /** Attempts per job before a transient failure becomes final. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  GENERATION_MAX_ATTEMPTS = 3;

  /** First retry delay (ms); doubles per attempt, with jitter. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  GENERATION_RETRY_BASE_MS = 2000;

  /** One attempt's time limit (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  GENERATION_TIMEOUT_MS = 10 * 60_000;

  /** How often a running job proves it is alive (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  GENERATION_HEARTBEAT_MS = 5000;

  /** A running job whose heartbeat is older than this (ms) is re-queued: its worker died. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  GENERATION_STALE_AFTER_MS = 60_000;

  /** How often an idle worker looks for queued jobs (ms); new local jobs wake it at once. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  GENERATION_POLL_MS = 1000;

  /** Queued + running jobs one user may have at once; more get 429. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  GENERATION_MAX_ACTIVE_PER_USER = 20;

  /** Largest image (width × height) the pipeline decodes. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  MAX_IMAGE_PIXELS = 4096 * 4096;
}
