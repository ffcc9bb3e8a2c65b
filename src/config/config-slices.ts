import type {
  BLOB_DRIVERS,
  CATCH_UP_POLICIES,
  DATABASE_DRIVERS,
  JOB_QUEUES,
  PROMPT_STRATEGIES,
} from './env.schema.js';

/*
 * The configuration in slices, one per concern. Each is a type and an injection token: a service
 * injects the slice it reads (`constructor(private readonly generation: GenerationConfig)`), and
 * `ConfigModule` provides every slice from the one validated `AppConfig`. Abstract because
 * `loadConfig` builds the values; nothing constructs a slice.
 */

/** The HTTP server. */
export abstract class ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly bodyLimit: number;
  readonly trustProxy: boolean;
}

/** Cross-origin browser access (CORS). */
export abstract class CorsConfig {
  /** Exact origins allowed to call the API from a browser; none: no CORS headers at all. */
  readonly origins: readonly string[];
  /** Whether those origins may send credentials (cookies, HTTP auth). */
  readonly credentials: boolean;
}

/** The routes that take credentials, and are throttled. */
export type ThrottledRoute = 'register' | 'login' | 'refresh' | 'password';

/** Requests per window on a throttled route; 0 means no limit. */
export interface ThrottleLimits {
  /** Per client IP (per /64 for IPv6). */
  readonly perIp: number;
  /** Per account e-mail named in the body, from any IP. */
  readonly perEmail: number;
  /** Per signed-in account, from any IP and with any of its tokens. */
  readonly perAccount: number;
}

/** Throttling of the credential routes, counted in memory by each replica. */
export abstract class ThrottleConfig {
  readonly windowSeconds: number;
  readonly limits: Readonly<Record<ThrottledRoute, ThrottleLimits>>;
}

/** Access tokens and who is an admin. */
export abstract class AuthConfig {
  readonly jwtSecret: string;
  readonly issuer: string;
  readonly audience: string;
  /** Access tokens' lifetime. */
  readonly ttlSeconds: number;
  /** Refresh tokens' lifetime. */
  readonly refreshTtlSeconds: number;
  /** How long after its use a refresh token may be exchanged again (0: never). */
  readonly refreshReuseGraceSeconds: number;
  /** How often ended sessions are deleted, besides at boot; 0: at boot only. */
  readonly sessionPruneIntervalMs: number;
  readonly adminEmails: ReadonlySet<string>;
  /** scrypt's cost (log2 N) for new password hashes. */
  readonly passwordHashCost: number;
}

/** The record store. */
export abstract class DatabaseConfig {
  readonly driver: (typeof DATABASE_DRIVERS)[number];
  readonly sqlitePath: string;
  readonly cosmos?: {
    readonly endpoint: string;
    readonly key: string;
    readonly database: string;
    /** How long a read or query may take, the SDK's retries included (ms). */
    readonly readTimeoutMs: number;
  };
  readonly mongoUri?: string;
}

/** The blob store, and how content routes hand blobs out. */
export abstract class BlobsConfig {
  readonly driver: (typeof BLOB_DRIVERS)[number];
  readonly localDir: string;
  readonly sweepGraceMs: number;
  /** Periodic sweeps of orphan blobs and abandoned temp files (ms); 0: at boot only. */
  readonly sweepIntervalMs: number;
  /** Content routes redirect to signed URLs where the store can make them. */
  readonly signedUrls: boolean;
  readonly signedUrlTtlSeconds: number;
  readonly azure?: {
    readonly connectionString?: string;
    readonly accountUrl?: string;
    readonly accountKey?: string;
    readonly sasToken?: string;
    readonly container: string;
    /** How long a read (or the container's creation) may wait for the store to answer (ms). */
    readonly readTimeoutMs: number;
  };
  readonly s3?: {
    readonly bucket: string;
    readonly region: string;
    /** An S3-compatible server (MinIO, R2...); AWS when unset. */
    readonly endpoint?: string;
    readonly forcePathStyle: boolean;
    /** Without both, the SDK's default credential chain (instance roles, profiles...). */
    readonly accessKeyId?: string;
    readonly secretAccessKey?: string;
    /** How long a read may wait for the store to answer (ms). */
    readonly readTimeoutMs: number;
  };
}

/** The image providers, their limits, and the downloads of their outputs. */
export abstract class ProvidersConfig {
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
    /** API root including `/v1`; defaults to https://api.replicate.com/v1. */
    readonly baseUrl?: string;
    /** `owner/name` (the model's latest version) or `owner/name:version`. */
    readonly model: string;
    readonly concurrency: number;
    readonly imagesPerMinute: number;
    /** How long one prediction may run before it is canceled. */
    readonly predictionTimeoutMs: number;
    readonly downloadHosts: readonly string[];
  };
  readonly download: { readonly maxBytes: number; readonly timeoutMs: number };
}

/** How prompts are made when a request gives none. */
export abstract class PromptsConfig {
  readonly defaultStrategy: string;
}

/** Schedules, and the built-in one. */
export abstract class SchedulesConfig {
  readonly minIntervalSeconds: number;
  readonly maxPerUser: number;
  readonly reconcileMs: number;
  readonly catchUp: (typeof CATCH_UP_POLICIES)[number];
  readonly maxConsecutiveFailures: number;
  readonly auto?: {
    readonly cron: string;
    readonly timezone: string;
    readonly strategy: (typeof PROMPT_STRATEGIES)[number];
    readonly theme: string | null;
    readonly provider: string;
  };
}

/** The job queue and the workers that run it. */
export abstract class GenerationConfig {
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly timeoutMs: number;
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
  readonly pollMs: number;
  readonly maxActivePerUser: number;
  /** On SIGTERM, how long running jobs get before they are released (ms); bounds the exit. */
  readonly shutdownGraceMs: number;
  /** The job engine (JOB_QUEUE), and for `bullmq` its Redis and key prefix. */
  readonly queue: {
    readonly engine: (typeof JOB_QUEUES)[number];
    readonly redisUrl?: string;
    readonly prefix: string;
  };
  /** Images per user per UTC day; 0: no limit. */
  readonly dailyImageQuota: number;
  readonly maxImagePixels: number;
}

/** The Prometheus endpoint. */
export abstract class MetricsConfig {
  /** Bearer token `GET /metrics` requires; unset: the route does not exist (404). */
  readonly token?: string;
}

/** What readiness checks beyond the stores answering. */
export abstract class HealthConfig {
  /** Least free disk space (bytes) under the local blob store and the SQLite file; 0: unchecked. */
  readonly minFreeDiskBytes: number;
}

/** The gallery's cache of serialised pages (lists). */
export abstract class GalleryConfig {
  /** How long a page is served from memory; the freshness bound across replicas. 0: off. */
  readonly pageCacheTtlMs: number;
  readonly pageCacheMaxBytes: number;
  /** Memory for the bytes of blobs served often (images, thumbnails); 0: none. */
  readonly blobCacheMaxBytes: number;
}

/** Each slice's token, by its name in `AppConfig`. */
export const SLICES = {
  server: ServerConfig,
  cors: CorsConfig,
  throttle: ThrottleConfig,
  auth: AuthConfig,
  database: DatabaseConfig,
  blobs: BlobsConfig,
  gallery: GalleryConfig,
  providers: ProvidersConfig,
  prompts: PromptsConfig,
  schedules: SchedulesConfig,
  generation: GenerationConfig,
  health: HealthConfig,
  metrics: MetricsConfig,
} as const;
