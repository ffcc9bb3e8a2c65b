import 'reflect-metadata';
import { IsIn, IsOptional, IsString, Matches, MinLength } from 'class-validator';
import {
  IsCronVar,
  IsEmailList,
  IsFlag,
  IsIntegerVar,
  IsOriginList,
  IsTimezoneVar,
  NonEmptyString,
  OptionalString,
  OptionalUrl,
  RequiredWhen,
  RequiredWith,
  Satisfies,
} from './env.decorators.js';
import { ProviderVariables } from './env.providers.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const DATABASE_DRIVERS = ['sqlite', 'cosmos', 'mongo'] as const;
export const BLOB_DRIVERS = ['local', 'azure', 's3'] as const;
export const IMAGE_PROVIDERS = ['offline', 'openai', 'replicate'] as const;
export const PROMPT_STRATEGIES = ['random', 'literal', 'llm'] as const;
export const CATCH_UP_POLICIES = ['latest', 'none'] as const;
export const JOB_QUEUES = ['local', 'bullmq'] as const;

type Env = EnvironmentVariables;
/** OWASP's scrypt cost (N = 2^17), the least `PASSWORD_HASH_COST` production takes. */
export const MIN_PRODUCTION_HASH_COST = 17;
const AWS_PAIR = 'the other of AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY is set';
const autoGenerates = (vars: Env): boolean => vars.AUTO_GENERATE_CRON !== undefined;

/**
 * Every environment variable the service reads, with its default. `.env.example` and the README's
 * configuration table list the same variables; `loadConfig()` validates them once at boot. The
 * rules that read other variables (`@RequiredWith`, `@RequiredWhen`, `@Satisfies`) sit beside the
 * variable they name, and are checked once every variable is valid on its own.
 */
export class EnvironmentVariables extends ProviderVariables {
  /** `production` refuses unsafe settings (a missing or short JWT_SECRET, for one). */
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  /** TCP port of the HTTP server. */
  @IsIntegerVar(0, 65535)
  PORT = 3000;

  /** Interface to bind; `0.0.0.0` to accept connections from other hosts (containers). */
  @IsString()
  HOST = '127.0.0.1';

  /** Where the embedded defaults keep their files (SQLite database, local blobs, dev JWT secret). */
  @NonEmptyString()
  DATA_DIR = './data';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /**
   * Bearer token that `GET /metrics` (Prometheus) requires; unset: no `/metrics` route at all (404),
   * so nothing about the service leaks by default. A long random value (`openssl rand -hex 32`).
   */
  @Satisfies(
    'must be at least 16 characters (generate one with `openssl rand -hex 32`)',
    (token) => (typeof token !== 'string' ? true : token.length >= 16),
  )
  @OptionalString()
  METRICS_TOKEN?: string;

  /** Largest accepted request body, in bytes; larger bodies get 413. */
  @IsIntegerVar(1024, 16 * 1024 * 1024)
  BODY_LIMIT_BYTES = 64 * 1024;

  /** Trust `X-Forwarded-*` headers (behind a reverse proxy or load balancer). */
  @IsFlag()
  TRUST_PROXY = false;

  /**
   * Comma-separated exact origins (`https://app.example.com`) a browser on another origin may call
   * the API from; empty: no CORS headers at all (same-origin only).
   */
  @IsString()
  @IsOriginList()
  CORS_ORIGINS = '';

  /** Allow those origins to send cookies and HTTP auth (`Access-Control-Allow-Credentials`). */
  @IsFlag()
  CORS_CREDENTIALS = false;

  /** HMAC key for access tokens: required, 32+ bytes, in production; generated under DATA_DIR otherwise. */
  @OptionalString()
  JWT_SECRET?: string;

  @NonEmptyString()
  JWT_ISSUER = 'image-forge';

  @NonEmptyString()
  JWT_AUDIENCE = 'image-forge-api';

  /**
   * Lifetime of an access token, in seconds. Short: a client keeps its session with the refresh
   * token, and a revoked session's access tokens are refused at once anyway.
   */
  @IsIntegerVar(60, 30 * 24 * 3600)
  JWT_TTL_SECONDS = 900;

  /** Lifetime of a refresh token (a session unused this long ends), in seconds. */
  @IsIntegerVar(300, 365 * 24 * 3600)
  REFRESH_TTL_SECONDS = 30 * 24 * 3600;

  /**
   * For this long after a refresh token's use (seconds), presenting it again gets another new pair
   * in the same session instead of ending the session as a replay: two tabs or processes sharing
   * one session refresh at the same moment, or a page closed while its refresh was in flight. 0:
   * every second use ends the session.
   */
  @IsIntegerVar(0, 60)
  REFRESH_REUSE_GRACE_SECONDS = 10;

  /**
   * How often each replica deletes the refresh tokens that can no longer sign anyone in (ms),
   * besides once at boot; 0: at boot only. Idempotent, so replicas pruning at once do no harm.
   */
  @IsIntegerVar(0)
  SESSION_PRUNE_INTERVAL_MS = 60 * 60_000;

  /**
   * scrypt's cost for new password hashes, as log2 of N (r = 8, p = 1): 17 is OWASP's minimum
   * (128 MiB and a few hundred ms a hash; each step up doubles both, for each of the two hashes
   * that run at once). Each hash keeps the parameters it was made with, so a
   * change applies to passwords set after it, and every stored hash still verifies. Below 17 only
   * for tests (a test suite that signs in hundreds of accounts); production refuses it.
   */
  @IsIntegerVar(10, 20)
  @Satisfies(
    `must be at least ${MIN_PRODUCTION_HASH_COST} in production`,
    // A settings rule: it runs once the value is an integer in range.
    (cost, vars: Env) =>
      vars.NODE_ENV !== 'production' || (cost as number) >= MIN_PRODUCTION_HASH_COST,
  )
  PASSWORD_HASH_COST = MIN_PRODUCTION_HASH_COST;

  /** Comma-separated e-mails that get the `admin` role when they register. */
  @IsString()
  @IsEmailList()
  ADMIN_EMAILS = '';

  @IsIn(DATABASE_DRIVERS)
  DATABASE_DRIVER: (typeof DATABASE_DRIVERS)[number] = 'sqlite';

  /** SQLite database file; defaults to `$DATA_DIR/image-forge.db`. */
  @OptionalString()
  SQLITE_PATH?: string;

  @IsIn(BLOB_DRIVERS)
  BLOB_DRIVER: (typeof BLOB_DRIVERS)[number] = 'local';

  /** Root folder of the local blob store; defaults to `$DATA_DIR/blobs`. */
  @OptionalString()
  BLOB_LOCAL_DIR?: string;

  /**
   * Blobs no record points at, and the local store's abandoned temp files, are swept once they
   * are older than this (ms): a younger one may be a write in flight on another replica.
   */
  @IsIntegerVar(0)
  BLOB_SWEEP_GRACE_MS = 15 * 60_000;

  /**
   * How often each replica sweeps orphan blobs and abandoned temp files (ms), besides once at
   * boot; 0: at boot only. Sweeps are idempotent, so replicas sweeping at once is harmless.
   */
  @IsIntegerVar(0)
  SWEEP_INTERVAL_MS = 60 * 60_000;

  /**
   * Readiness fails (503, naming the store) when the disk under the local blob store or the
   * SQLite file has less free space than this (bytes); 0: no check.
   */
  @IsIntegerVar(0)
  MIN_FREE_DISK_BYTES = 100 * 1024 * 1024;

  /** Provider used when a request names none. */
  @IsIn(IMAGE_PROVIDERS)
  IMAGE_PROVIDER: (typeof IMAGE_PROVIDERS)[number] = 'offline';

  /** Prompt strategy used when a request gives neither a prompt nor a strategy. */
  @IsIn(PROMPT_STRATEGIES)
  PROMPT_STRATEGY: (typeof PROMPT_STRATEGIES)[number] = 'random';

  /** Simulated latency of the offline renderer, per image (ms): for demos and tests of long jobs. */
  @IsIntegerVar(0, 600_000)
  OFFLINE_LATENCY_MS = 0;

  /** Jobs one replica runs at once. */
  @IsIntegerVar(1, 64)
  GENERATION_CONCURRENCY = 2;

  /** Attempts per job before a transient failure becomes final. */
  @IsIntegerVar(1, 20)
  GENERATION_MAX_ATTEMPTS = 3;

  /** First retry delay (ms); doubles per attempt, with jitter. */
  @IsIntegerVar(0)
  GENERATION_RETRY_BASE_MS = 2000;

  /** One attempt's time limit (ms). */
  @IsIntegerVar(1000)
  GENERATION_TIMEOUT_MS = 10 * 60_000;

  /** How often a running job proves it is alive (ms). */
  @IsIntegerVar(100)
  GENERATION_HEARTBEAT_MS = 5000;

  /** A running job whose heartbeat is older than this (ms) is re-queued: its worker died. */
  @IsIntegerVar(1000)
  GENERATION_STALE_AFTER_MS = 60_000;

  /** How often an idle worker looks for queued jobs (ms); new local jobs wake it at once. */
  @IsIntegerVar(50)
  GENERATION_POLL_MS = 1000;

  /**
   * On SIGTERM, how long running jobs get to finish (ms) before they are handed back to the queue
   * for another replica; the process exits within this bound whatever a job is doing.
   */
  @IsIntegerVar(0, 600_000)
  SHUTDOWN_GRACE_MS = 20_000;

  /**
   * The job engine: `local` (the record store is the queue, polled by each replica; provider
   * limits per replica) or `bullmq` (BullMQ on Redis at REDIS_URL: one queue per provider, its
   * limits global across replicas, stalled jobs recovered, progress relayed to every replica).
   */
  @IsIn(JOB_QUEUES)
  JOB_QUEUE: (typeof JOB_QUEUES)[number] = 'local';

  /** Redis for JOB_QUEUE=bullmq, e.g. `redis://127.0.0.1:6379` (`redis://:password@host:6379/0`). */
  @RequiredWith('JOB_QUEUE', 'bullmq')
  @IsOptional()
  @Matches(/^redis:\/\/[^\s]+$/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string;

  /** Prefix of every Redis key of the job engine: replicas sharing one must share it. */
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, {
    message: 'BULLMQ_PREFIX must be 1-64 letters, digits, _ . -',
  })
  BULLMQ_PREFIX = 'image-forge';

  /** Queued + running jobs one user may have at once; more get 429. */
  @IsIntegerVar(1)
  GENERATION_MAX_ACTIVE_PER_USER = 20;

  /**
   * Images one user may generate per UTC day (schedules' runs included); more get 429 until
   * midnight UTC. 0: no limit. Admins have none.
   */
  @IsIntegerVar(0)
  DAILY_IMAGE_QUOTA = 100;

  /** Largest image (width × height) the pipeline decodes. */
  @IsIntegerVar(1)
  MAX_IMAGE_PIXELS = 4096 * 4096;

  // --- Throttling of credential routes (per replica, in memory; 0 disables a limit) ---------------

  /** The window the THROTTLE_* limits count requests in, in seconds. */
  @IsIntegerVar(1, 3600)
  THROTTLE_WINDOW_SECONDS = 60;

  /** `POST /auth/register` requests per client IP per window. */
  @IsIntegerVar(0)
  THROTTLE_REGISTER_PER_IP = 5;

  /** `POST /auth/login` requests per client IP per window. */
  @IsIntegerVar(0)
  THROTTLE_LOGIN_PER_IP = 10;

  /** `POST /auth/login` requests per account e-mail per window, from any IP. */
  @IsIntegerVar(0)
  THROTTLE_LOGIN_PER_EMAIL = 5;

  /** `POST /auth/refresh` requests per client IP per window. */
  @IsIntegerVar(0)
  THROTTLE_REFRESH_PER_IP = 30;

  /** `POST /auth/password` requests per client IP per window. */
  @IsIntegerVar(0)
  THROTTLE_PASSWORD_PER_IP = 10;

  /**
   * `POST /auth/password` requests per signed-in account per window, from any IP: a stolen access
   * token must not become a way to guess the account's password.
   */
  @IsIntegerVar(0)
  THROTTLE_PASSWORD_PER_ACCOUNT = 5;

  // --- Cloud stores: how long a read may wait (cosmos, azure, s3) ---------------------------------

  /**
   * How long a read from a remote store may take before it answers 503 `storage-unavailable` (ms):
   * a Cosmos DB read or query page, the SDK's own retries included; an Azure Blob or S3 read (and
   * the Azure container's creation) until the store starts to answer; an Azure Blob or S3 delete.
   * Without it, a store that resets connections held a Cosmos read 20 s, and one that does not
   * answer held a read a minute (Cosmos) or for ever (Azure Blob, S3), and an image's delete for
   * ever (Azure Blob).
   */
  @IsIntegerVar(100, 120_000)
  STORE_READ_TIMEOUT_MS = 5000;

  // --- Cloud record stores (DATABASE_DRIVER=cosmos | mongo) ---------------------------------------

  /** Cosmos DB (NoSQL API) account endpoint, e.g. `https://myaccount.documents.azure.com:443/`. */
  @RequiredWith('DATABASE_DRIVER', 'cosmos')
  @OptionalUrl()
  COSMOS_ENDPOINT?: string;

  /** Cosmos DB account key. */
  @RequiredWith('DATABASE_DRIVER', 'cosmos')
  @OptionalString()
  COSMOS_KEY?: string;

  /** Cosmos DB database; created with its containers when missing. */
  @NonEmptyString()
  COSMOS_DATABASE = 'image-forge';

  /** MongoDB connection string (also Cosmos DB's MongoDB API), with the database in its path. */
  @RequiredWith('DATABASE_DRIVER', 'mongo')
  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\/.+/, {
    message: 'MONGODB_URI must be a mongodb:// or mongodb+srv:// URI',
  })
  MONGODB_URI?: string;

  // --- Cloud blob stores (BLOB_DRIVER=azure | s3) --------------------------------------------------

  /** Azure Storage connection string (one way to reach Azure Blob; Azurite's works too). */
  @RequiredWhen(
    'BLOB_DRIVER=azure (or AZURE_STORAGE_ACCOUNT_URL with AZURE_STORAGE_ACCOUNT_KEY or AZURE_STORAGE_SAS_TOKEN)',
    (vars: Env) =>
      vars.BLOB_DRIVER === 'azure' &&
      !(
        vars.AZURE_STORAGE_ACCOUNT_URL &&
        (vars.AZURE_STORAGE_ACCOUNT_KEY ?? vars.AZURE_STORAGE_SAS_TOKEN)
      ),
  )
  @OptionalString()
  AZURE_STORAGE_CONNECTION_STRING?: string;

  /** Blob service URL, e.g. `https://myaccount.blob.core.windows.net` (with a key or a SAS token). */
  @OptionalUrl()
  AZURE_STORAGE_ACCOUNT_URL?: string;

  /** Account key, with AZURE_STORAGE_ACCOUNT_URL. */
  @OptionalString()
  AZURE_STORAGE_ACCOUNT_KEY?: string;

  /** SAS token (container or account scoped), with AZURE_STORAGE_ACCOUNT_URL. */
  @OptionalString()
  AZURE_STORAGE_SAS_TOKEN?: string;

  /** Blob container; created when missing. */
  @Matches(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, {
    message: 'AZURE_STORAGE_CONTAINER must be a valid container name',
  })
  AZURE_STORAGE_CONTAINER = 'images';

  @RequiredWith('BLOB_DRIVER', 's3')
  @OptionalString()
  @MinLength(3)
  S3_BUCKET?: string;

  @IsString()
  S3_REGION = 'us-east-1';

  /** S3-compatible endpoint (MinIO, R2, ...); AWS when unset. */
  @OptionalUrl()
  S3_ENDPOINT?: string;

  /** Path-style URLs (`endpoint/bucket/key`), as MinIO and most S3-compatible servers need. */
  @IsFlag()
  S3_FORCE_PATH_STYLE = false;

  /** S3 credentials; the AWS SDK's default chain (instance roles, profiles) when unset. */
  @RequiredWhen(AWS_PAIR, (vars: Env) => Boolean(vars.AWS_SECRET_ACCESS_KEY))
  @OptionalString()
  AWS_ACCESS_KEY_ID?: string;

  @RequiredWhen(AWS_PAIR, (vars: Env) => Boolean(vars.AWS_ACCESS_KEY_ID))
  @OptionalString()
  AWS_SECRET_ACCESS_KEY?: string;

  /**
   * How long a serialised gallery page is served from memory (ms): the freshness bound of every
   * list across replicas (a new, re-tagged, made-private or deleted image shows on every replica
   * within it; on the replica that made the change, at once). 0 turns the cache off.
   */
  @IsIntegerVar(0, 60_000)
  GALLERY_CACHE_TTL_MS = 1000;

  /** Memory the gallery's page cache may hold (bytes of serialised pages); the oldest go first. */
  @IsIntegerVar(0)
  GALLERY_CACHE_MAX_BYTES = 32 * 1024 * 1024;

  /**
   * Memory for image and thumbnail bytes served often (bytes; 0: none). Each replica keeps the
   * most recently sent blobs (up to 1/8 of this each); access is checked against the record store
   * on every request all the same.
   */
  @IsIntegerVar(0)
  GALLERY_BLOB_CACHE_MAX_BYTES = 64 * 1024 * 1024;

  /** Content routes redirect (302) to a short-lived signed URL where the blob store can make one. */
  @IsFlag()
  BLOB_SIGNED_URLS = false;

  /** Lifetime of signed URLs, in seconds. */
  @IsIntegerVar(30, 7 * 24 * 3600)
  BLOB_SIGNED_URL_TTL_SECONDS = 300;

  // --- Schedules ------------------------------------------------------------------------------------

  /** Shortest interval between two fire times of one schedule, in seconds. */
  @IsIntegerVar(1)
  SCHEDULE_MIN_INTERVAL_SECONDS = 60;

  /** Schedules one user may own. */
  @IsIntegerVar(0)
  SCHEDULE_MAX_PER_USER = 10;

  /** How often each replica re-reads schedules from the store (changes made elsewhere), in ms. */
  @IsIntegerVar(100)
  SCHEDULE_RECONCILE_MS = 30_000;

  /** Slots missed while no replica ran: `latest` runs the most recent once; `none` skips them. */
  @IsIn(CATCH_UP_POLICIES)
  SCHEDULE_CATCH_UP: (typeof CATCH_UP_POLICIES)[number] = 'latest';

  /** A schedule pauses itself after this many failed runs in a row. */
  @IsIntegerVar(1)
  SCHEDULE_MAX_CONSECUTIVE_FAILURES = 5;

  /** Cron expression of the built-in gallery-filling schedule; none when unset. */
  @IsCronVar()
  @OptionalString()
  AUTO_GENERATE_CRON?: string;

  @IsTimezoneVar()
  @IsString()
  AUTO_GENERATE_TIMEZONE = 'UTC';

  /** `random` or `llm`: the built-in schedule has no prompt text. */
  @Satisfies(
    'must be random or llm (the built-in schedule has no prompt text)',
    (strategy, vars: Env) => !autoGenerates(vars) || strategy !== 'literal',
  )
  @IsIn(PROMPT_STRATEGIES)
  AUTO_GENERATE_STRATEGY: (typeof PROMPT_STRATEGIES)[number] = 'random';

  @OptionalString()
  AUTO_GENERATE_THEME?: string;

  /** Provider of the built-in schedule; IMAGE_PROVIDER when unset. */
  @IsOptional()
  @IsIn(IMAGE_PROVIDERS)
  AUTO_GENERATE_PROVIDER?: (typeof IMAGE_PROVIDERS)[number];
}
