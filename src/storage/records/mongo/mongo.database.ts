/**
 * The MongoDB record store: one mongoose connection, its collections, their indexes.
 *
 * Plain mongoose (a `Connection` and its `Model`s) rather than `@nestjs/mongoose`'s
 * `@InjectModel`: adapters are plain classes that the records factory builds once it has read
 * DATABASE_DRIVER, and `MongooseModule` would have to be imported conditionally for only one of
 * the three drivers. The connection's life (connect, indexes, close) stays in this one class.
 *
 * Also runs on Cosmos DB's MongoDB API: no transactions, no `$text`, no aggregation-pipeline
 * updates, no non-unique partial indexes; every query has an index for its sort, which Cosmos
 * requires. (Its connection strings carry `retrywrites=false`, which it needs.)
 */
import mongoose, { Schema, type Connection, type IndexDefinition, type Model } from 'mongoose';
import type {
  ApiKeyDoc,
  ImageDoc,
  JobDoc,
  QuotaDoc,
  ScheduleDoc,
  SessionDoc,
  UserDoc,
} from './mongo.documents.js';
import { NEWEST_FIRST } from './mongo.queries.js';
import { networkFailure, type UnavailableReason } from '../../unavailable.js';

const SCHEMA_OPTIONS = {
  // Our ids (UUIDv7 strings, every collection's `_id`) replace ObjectIds; no version key; we write
  // createdAt/updatedAt ourselves, as ISO strings, which sort as text in every store (a Date would
  // sort too, but not round-trip the exact strings the ports return).
  versionKey: false,
  timestamps: false,
  id: false,
  // Keep empty objects and arrays as written, so records round-trip exactly.
  minimize: false,
  // Indexes are built by `MongoDatabase.init()`, awaited at boot, not in the background.
  autoIndex: false,
  autoCreate: false,
} as const;

const string = { type: String };
const nullableString = { type: String, default: null };
const mixed = { type: Schema.Types.Mixed };
const nullableMixed = { type: Schema.Types.Mixed, default: null };

/** An index of a collection: its keys, then its name and any other options. */
type IndexSpec = [
  keys: IndexDefinition,
  options: Parameters<Schema['index']>[1] & { name: string },
];

/**
 * The schema of `collection`: documents keyed by our ids, with `fields`, and the indexes its
 * queries and uniqueness rules need (built by `MongoDatabase.init()`).
 */
function collectionSchema<Doc>(
  collection: string,
  fields: ConstructorParameters<typeof Schema<Doc>>[0],
  indexes: readonly IndexSpec[],
): Schema<Doc> {
  const schema = new Schema<Doc>({ _id: string, ...fields }, { ...SCHEMA_OPTIONS, collection });
  for (const [keys, options] of indexes) schema.index(keys, options);
  return schema;
}

/**
 * An index for pages in the ports' order (`NEWEST_FIRST`, the lists' sort), after the equality
 * keys of `prefix`: keyset pages seek straight to their cursor.
 */
const newestFirst = (name: string, prefix: IndexDefinition = {}): IndexSpec => [
  { ...prefix, ...NEWEST_FIRST },
  { name },
];

/** An owner's pages (`<collection>_owner_newest`) and the admin's, of everyone's (`_newest`). */
const ownerAndAdminPages = (collection: string): IndexSpec[] => [
  newestFirst(`${collection}_owner_newest`, { ownerId: 1 }),
  newestFirst(`${collection}_newest`),
];

export const USER_SCHEMA = collectionSchema<UserDoc>(
  'users',
  {
    email: string,
    passwordHash: string,
    role: string,
    createdAt: string,
    disabled: { type: Boolean, default: false },
    tokensValidAfter: nullableString,
  },
  [
    // Sign-in looks users up by e-mail, and an e-mail belongs to one user (stored lower-cased).
    [{ email: 1 }, { name: 'users_email', unique: true }],
    // The admin's list of users, newest first (an e-mail search is checked on the entries read).
    newestFirst('users_newest'),
  ],
);

export const JOB_SCHEMA = collectionSchema<JobDoc>(
  'jobs',
  {
    ownerId: string,
    status: string,
    request: mixed,
    lineage: mixed,
    attempts: { type: Number },
    error: nullableMixed,
    imageIds: { type: [String] },
    idempotencyKey: nullableString,
    requestHash: nullableString,
    scheduleId: nullableString,
    slot: nullableString,
    providerRef: nullableString,
    workerId: nullableString,
    createdAt: string,
    updatedAt: string,
    // No default: absent until the first claim (see JobDoc.startedAt).
    startedAt: string,
    finishedAt: nullableString,
    heartbeatAt: nullableString,
    runAfter: string,
  },
  [
    // Keys in equality → sort → range order.
    // My jobs and (admin) everyone's, newest first (keyset on createdAt, _id); the first also
    // serves countActive's owner prefix.
    ...ownerAndAdminPages('jobs'),
    // The worker's claim: status 'queued' (equality), oldest first (sort), runAfter checked on the
    // entries read. Not partial on status: Cosmos DB's MongoDB API only allows partial unique
    // indexes, and the status prefix already confines the claim's scan to queued entries.
    [{ status: 1, createdAt: 1, _id: 1 }, { name: 'jobs_queue' }],
    // Recovery at boot: running jobs (equality) whose heartbeat is older than a cutoff (range).
    [{ status: 1, heartbeatAt: 1 }, { name: 'jobs_running_heartbeat' }],
    // An Idempotency-Key names one job per owner; jobs without a key are not indexed (null would
    // collide with null in a unique index).
    [
      { ownerId: 1, idempotencyKey: 1 },
      {
        name: 'jobs_idempotency',
        unique: true,
        partialFilterExpression: { idempotencyKey: { $type: 'string' } },
      },
    ],
    // One run per (schedule, fire time), whichever replica fires first. Manual runs of a schedule
    // have no slot and are left out, as they are from SQLite's unique index (where NULLs differ).
    [
      { scheduleId: 1, slot: 1 },
      {
        name: 'jobs_schedule_slot',
        unique: true,
        partialFilterExpression: { scheduleId: { $type: 'string' }, slot: { $type: 'string' } },
      },
    ],
    // A schedule's runs, newest first.
    newestFirst('jobs_schedule_newest', { scheduleId: 1 }),
  ],
);

export const IMAGE_SCHEMA = collectionSchema<ImageDoc>(
  'images',
  {
    ownerId: string,
    jobId: string,
    index: { type: Number },
    scheduleId: nullableString,
    visibility: string,
    lineage: mixed,
    prompt: string,
    negativePrompt: nullableString,
    provider: string,
    model: string,
    width: { type: Number },
    height: { type: Number },
    seed: { type: Number, default: null },
    contentType: string,
    byteSize: { type: Number },
    sha256: string,
    blobKey: string,
    thumbnailKey: string,
    thumbnailContentType: string,
    tags: { type: [String] },
    createdAt: string,
    searchTokens: { type: [String] },
  },
  [
    // The public gallery (visibility = 'public'), newest first; provider and model filters are
    // checked on the entries read.
    newestFirst('images_visibility_newest', { visibility: 1 }),
    // My history (private ones too), newest first; and every image, newest first: lists without
    // an owner or visibility (admin, provider-only filters) sort without reading the whole
    // collection, and Cosmos DB refuses a sort without an index.
    ...ownerAndAdminPages('images'),
    // A tag's page, newest first (multikey on tags; the sort fields are not arrays, so the index
    // still gives the order).
    newestFirst('images_tag_newest', { tags: 1 }),
    // Prompt search (`q`): each word is a token lookup or an anchored prefix range (see
    // searchFilter in mongo.queries.ts). No `$text` index: no prefix matching, no keyset sort.
    [{ searchTokens: 1 }, { name: 'images_search_tokens' }],
    // A job's images in order, and one image per (job, position) even when a step is retried.
    [
      { jobId: 1, index: 1 },
      { name: 'images_job_index', unique: true },
    ],
    // The orphan-blob sweep asks which keys records still point at.
    [{ blobKey: 1 }, { name: 'images_blob_key' }],
    [{ thumbnailKey: 1 }, { name: 'images_thumbnail_key' }],
  ],
);

export const SCHEDULE_SCHEMA = collectionSchema<ScheduleDoc>(
  'schedules',
  {
    ownerId: string,
    name: string,
    cron: string,
    timezone: string,
    enabled: { type: Boolean },
    template: mixed,
    pausedReason: nullableString,
    consecutiveFailures: { type: Number },
    lastRunAt: nullableString,
    nextRunAt: nullableString,
    system: { type: Boolean },
    createdAt: string,
    updatedAt: string,
  },
  [
    // An owner's schedules (also countByOwner) and (admin) everyone's, newest first.
    ...ownerAndAdminPages('schedules'),
  ],
);

export const SESSION_SCHEMA = collectionSchema<SessionDoc>(
  'sessions',
  {
    familyId: string,
    userId: string,
    tokenHash: string,
    createdAt: string,
    expiresAt: string,
    usedAt: nullableString,
    revokedAt: nullableString,
    lastUsedAt: string,
    userAgent: nullableString,
  },
  [
    // A refresh is a lookup by the token's hash.
    [{ tokenHash: 1 }, { name: 'sessions_token_hash', unique: true }],
    // Every authenticated request asks whether its family was revoked; logout revokes one family.
    [{ familyId: 1, revokedAt: 1 }, { name: 'sessions_family' }],
    // Sign out everywhere, password changes.
    [{ userId: 1 }, { name: 'sessions_user' }],
  ],
);

export const API_KEY_SCHEMA = collectionSchema<ApiKeyDoc>(
  'apiKeys',
  {
    userId: string,
    name: string,
    scopes: { type: [String] },
    secretHash: string,
    createdAt: string,
    lastUsedAt: nullableString,
    revokedAt: nullableString,
  },
  // A user's keys, newest first.
  [newestFirst('api_keys_user_newest', { userId: 1 })],
);

/** `_id` is `<userId>:<day>`: one counter per user and UTC day, created by its first use. */
export const QUOTA_SCHEMA = collectionSchema<QuotaDoc>(
  'quotas',
  { userId: string, day: string, used: { type: Number } },
  [],
);

export interface MongoConnectOptions {
  /** Database to use instead of the one named in the URI's path (tests use a fresh one each). */
  readonly dbName?: string;
  readonly serverSelectionTimeoutMS?: number;
}

/** The two model methods `init()` needs, whatever the document type. */
interface Syncable {
  createCollection(): Promise<unknown>;
  syncIndexes(): Promise<unknown>;
}

export class MongoDatabase {
  readonly users: Model<UserDoc>;
  readonly jobs: Model<JobDoc>;
  readonly images: Model<ImageDoc>;
  readonly schedules: Model<ScheduleDoc>;
  readonly sessions: Model<SessionDoc>;
  readonly apiKeys: Model<ApiKeyDoc>;
  readonly quotas: Model<QuotaDoc>;

  /** Binds the models to `connection`; `connect()` is the usual way in. */
  constructor(readonly connection: Connection) {
    this.users = connection.model<UserDoc>('User', USER_SCHEMA);
    this.jobs = connection.model<JobDoc>('GenerationJob', JOB_SCHEMA);
    this.images = connection.model<ImageDoc>('Image', IMAGE_SCHEMA);
    this.schedules = connection.model<ScheduleDoc>('Schedule', SCHEDULE_SCHEMA);
    this.sessions = connection.model<SessionDoc>('Session', SESSION_SCHEMA);
    this.apiKeys = connection.model<ApiKeyDoc>('ApiKey', API_KEY_SCHEMA);
    this.quotas = connection.model<QuotaDoc>('Quota', QUOTA_SCHEMA);
  }

  /** Opens a connection to `uri` (the database is the URI's path unless `dbName` says). */
  static async connect(uri: string, options: MongoConnectOptions = {}): Promise<MongoDatabase> {
    const connection = mongoose.createConnection(uri, {
      // A write is acknowledged once a majority of the replica set has it: a failover never
      // loses an accepted job or a claim.
      writeConcern: { w: 'majority' },
      autoIndex: false,
      autoCreate: false,
      // Fail at once while disconnected instead of queueing in memory: the worker retries, and
      // readiness reports the outage rather than hanging.
      bufferCommands: false,
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
      ...(options.dbName ? { dbName: options.dbName } : {}),
    });
    try {
      await connection.asPromise();
    } catch (error) {
      await connection.close(true).catch(() => undefined);
      throw error;
    }
    return new MongoDatabase(connection);
  }

  /**
   * Creates the collections and brings their indexes in line with the schemas (creating missing
   * ones, replacing changed ones, dropping ones the schemas no longer declare: an index added by
   * hand goes at the next boot). Run at boot, before the repositories serve: the unique indexes
   * are what make idempotency keys and schedule slots exactly-once (and Cosmos DB only builds a
   * unique index on an empty collection, so it must exist before the first write).
   */
  async init(): Promise<void> {
    const models: readonly Syncable[] = [
      this.users,
      this.jobs,
      this.images,
      this.schedules,
      this.sessions,
      this.apiKeys,
      this.quotas,
    ];
    for (const model of models) {
      await model.createCollection(); // an existing collection is left as it is
      await model.syncIndexes();
    }
  }

  /** Resolves when the server answers; rejects with the reason otherwise. */
  async ping(): Promise<void> {
    const { db } = this.connection;
    if (!db) throw new Error('MongoDB connection is not open');
    await db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

/** The driver's (and mongoose's) errors for a server that cannot be reached or chosen now. */
const UNREACHABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoOperationTimeoutError',
]);

/** Why MongoDB cannot serve now: no server reachable, or none chosen in time. */
export const mongoUnavailable: UnavailableReason = (error) => {
  const name = (error as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && UNREACHABLE.has(name)) return `it cannot be reached (${name})`;
  return networkFailure(error);
};
