import type {
  BLOB_DRIVERS,
  CATCH_UP_POLICIES,
  DATABASE_DRIVERS,
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

/** Access tokens and who is an admin. */
export abstract class AuthConfig {
  readonly jwtSecret: string;
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
  readonly adminEmails: ReadonlySet<string>;
}

/** The record store. */
export abstract class DatabaseConfig {
  readonly driver: (typeof DATABASE_DRIVERS)[number];
  readonly sqlitePath: string;
  readonly cosmos?: {
    readonly endpoint: string;
    readonly key: string;
    readonly database: string;
  };
  readonly mongoUri?: string;
}

/** The blob store, and how content routes hand blobs out. */
export abstract class BlobsConfig {
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
    readonly baseUrl?: string;
    readonly model: string;
    readonly concurrency: number;
    readonly imagesPerMinute: number;
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
  readonly maxImagePixels: number;
}
