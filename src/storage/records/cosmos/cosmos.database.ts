import type { Agent } from 'node:https';
import { Deadline, withDeadline } from '../../../lifecycle/deadline.js';
import { networkFailure, statusFailure, type UnavailableReason } from '../../unavailable.js';
import {
  CosmosClient,
  IndexingMode,
  type IndexingPolicy,
  type ItemDefinition,
  type CompositePath,
  type Container,
  type ContainerRequest,
  type Database,
  type FeedOptions,
  type JSONValue,
  type SharedOptions,
  type SqlQuerySpec,
} from '@azure/cosmos';

export interface CosmosSettings {
  readonly endpoint: string;
  readonly key: string;
  readonly database: string;
  /**
   * How long a read or query may take, the SDK's own retries included (ms). The SDK retries a
   * read whose connection is reset 10 times, 1 s apart, and waits up to 60 s for each silent try:
   * without a bound, a page read of a database that went away answers after 20 s to minutes.
   */
  readonly readTimeoutMs: number;
  /** HTTP agent for the SDK (tests pass a keep-alive one); TLS is always verified. */
  readonly agent?: Agent;
}

/** Newest first on (createdAt, id), after an equality on `prefix` when given: the keyset order. */
const newestFirst = (prefix?: string): CompositePath[] => [
  ...(prefix ? [{ path: `/${prefix}`, order: 'ascending' as const }] : []),
  { path: '/createdAt', order: 'descending' },
  { path: '/id', order: 'descending' },
];

/** Point reads and writes only: nothing but id and the partition key needs an index. */
const NOT_INDEXED: IndexingPolicy = {
  indexingMode: IndexingMode.consistent,
  includedPaths: [],
  excludedPaths: [{ path: '/*' }],
};

/** Indexes every path but `excluded` (and the etag), with the composite indexes given. */
const indexedBut = (
  excluded: readonly string[],
  compositeIndexes?: CompositePath[][],
): IndexingPolicy => ({
  indexingMode: IndexingMode.consistent,
  includedPaths: [{ path: '/*' }],
  excludedPaths: [...excluded, '/"_etag"/?'].map((path) => ({ path })),
  ...(compositeIndexes ? { compositeIndexes } : {}),
});

/** A container's request: its id, partition key path and indexing policy. */
const container = (
  id: string,
  partitionKey: string,
  indexingPolicy: IndexingPolicy,
  extra: Pick<ContainerRequest, 'uniqueKeyPolicy'> = {},
) => ({ id, partitionKey: { paths: [partitionKey] }, indexingPolicy, ...extra });

/**
 * The containers and why they are laid out this way. Every multi-property ORDER BY the
 * repositories issue has its composite index here, path for path and direction for direction
 * (Cosmos refuses such a query without one, and so does the emulator).
 */
export const CONTAINERS = {
  /**
   * Users: pk /id, because users are read by id (every authenticated request) or through their
   * e-mail claim in `keys`, both point reads. Cosmos unique keys only hold within one logical
   * partition, so e-mail uniqueness lives in `keys` instead (see there). The admin's list of
   * users is a cross-partition query, newest first, with an e-mail search checked on the entries
   * read; the password hash is never filtered on.
   */
  users: container('users', '/id', indexedBut(['/passwordHash/?'], [newestFirst()])),
  /**
   * Jobs: pk /id. Every write and the worker's reads name a job by id alone (claim, transition,
   * heartbeat, polls), so each is a point operation (1 RU) with no lookup first; /ownerId would
   * make each of those a cross-partition query. Ids also spread the queue's writes evenly (no hot
   * partition for a busy owner or the system schedule). The reads that span partitions are
   * indexed: an owner's history and a schedule's runs (equality, then newest first), and the
   * worker's claim query (status, then oldest first). Uniqueness of (owner, idempotency key) and
   * (schedule, slot) lives in `keys`. The request and lineage are never filtered on: not indexed.
   */
  jobs: container(
    'jobs',
    '/id',
    indexedBut(
      ['/request/*', '/lineage/*', '/error/*', '/imageIds/*'],
      [
        newestFirst('ownerId'),
        newestFirst('scheduleId'),
        // Every owner's jobs (admin).
        newestFirst(),
        [
          { path: '/status', order: 'ascending' },
          { path: '/createdAt', order: 'ascending' },
          { path: '/id', order: 'ascending' },
        ],
      ],
    ),
  ),
  /**
   * Images: pk /jobId with a unique key on /index. Cosmos unique keys hold per logical
   * partition, so partitioning by job makes (jobId, index) unique across the container in the
   * one write that inserts the image: no second document, nothing to orphan. /ownerId would serve
   * an owner's history from one partition but could not enforce (jobId, index) without a claim
   * document beside every image. The gallery spans all partitions whatever the key; history and
   * gallery pages are index-served cross-partition queries (equality, then newest first, with
   * TOP), and a job's images come from one partition. `searchText` (normalised prompt and tags)
   * is indexed for search; the prompt and lineage themselves are never filtered on.
   */
  images: container(
    'images',
    '/jobId',
    indexedBut(
      ['/lineage/*', '/prompt/?', '/negativePrompt/?'],
      [newestFirst('visibility'), newestFirst('ownerId'), newestFirst()],
    ),
    { uniqueKeyPolicy: { uniqueKeys: [{ paths: ['/index'] }] } },
  ),
  /**
   * Schedules: pk /id. Few per owner, read and updated by id (cron fires, failure counts).
   * Lists and counts (an owner's, or every owner's for admins) are small cross-partition
   * queries, newest first.
   */
  schedules: container(
    'schedules',
    '/id',
    indexedBut(['/template/*'], [newestFirst('ownerId'), newestFirst()]),
  ),
  /**
   * Refresh tokens: pk /familyId. Every authenticated request asks whether its family was
   * revoked, and a logout revokes one family: both stay in one partition. A refresh looks its
   * token up by hash (a cross-partition query on an indexed field; refreshes are rare next to
   * requests), then marks it used with If-Match on the version it read.
   */
  sessions: container('sessions', '/familyId', {
    indexingMode: IndexingMode.consistent,
    includedPaths: ['/tokenHash/?', '/familyId/?', '/userId/?', '/revokedAt/?'].map((path) => ({
      path,
    })),
    excludedPaths: [{ path: '/*' }],
  }),
  /**
   * API keys: pk /id. Every request with a key reads it by the id the key carries (a point
   * read); a user's keys are a small cross-partition query.
   */
  apiKeys: container(
    'apiKeys',
    '/id',
    indexedBut(['/secretHash/?', '/scopes/*'], [newestFirst('userId')]),
  ),
  /**
   * Daily quota counters: pk /id, the id being `<userId>:<day>`. Read and replaced by id only,
   * with If-Match: a counter is changed by one writer at a time.
   */
  quotas: container('quotas', '/id', NOT_INDEXED),
  /**
   * Uniqueness claims: pk /id, the id being the unique value itself (hashed: e-mail, owner +
   * idempotency key, schedule + slot). A document id is unique within its partition, and here
   * each id is its own partition, so creating a claim that exists fails with 409 whatever the
   * partition layout of the records. Only ever read and written by id: nothing else indexed.
   */
  keys: container('keys', '/id', NOT_INDEXED),
} satisfies Record<string, ContainerRequest>;

/** One Cosmos DB (NoSQL API) client per process, and references to the store's containers. */
export class CosmosDatabase {
  readonly client: CosmosClient;
  readonly database: Database;
  readonly users: Container;
  readonly jobs: Container;
  readonly images: Container;
  readonly schedules: Container;
  readonly keys: Container;
  readonly sessions: Container;
  readonly apiKeys: Container;
  readonly quotas: Container;
  private readonly readTimeoutMs: number;

  constructor(settings: CosmosSettings) {
    this.readTimeoutMs = settings.readTimeoutMs;
    this.client = new CosmosClient({
      endpoint: settings.endpoint,
      key: settings.key,
      ...(settings.agent ? { agent: settings.agent } : {}),
    });
    this.database = this.client.database(settings.database);
    const open = (name: keyof typeof CONTAINERS) => this.database.container(CONTAINERS[name].id);
    [this.users, this.jobs, this.images, this.schedules] = [
      open('users'),
      open('jobs'),
      open('images'),
      open('schedules'),
    ];
    [this.keys, this.sessions, this.apiKeys, this.quotas] = [
      open('keys'),
      open('sessions'),
      open('apiKeys'),
      open('quotas'),
    ];
  }

  /**
   * Creates the database and its containers where missing; safe to run from every replica at
   * once (a create that loses the race reads the winner's). Refuses to start on a container
   * partitioned differently: every point read and write would miss. A container made by an
   * earlier version, without an index a query now needs, gets the indexing policy of this one
   * (Cosmos builds the new indexes online).
   */
  async init(): Promise<void> {
    const { database } = await orReadOnConflict(() =>
      this.client.databases.createIfNotExists({ id: this.database.id }),
    );
    await Promise.all(
      Object.values(CONTAINERS).map(async (wanted) => {
        const { resource } = await orReadOnConflict(() =>
          database.containers.createIfNotExists(wanted),
        );
        const paths = resource?.partitionKey?.paths ?? [];
        if (paths.join() !== wanted.partitionKey.paths.join()) {
          throw new Error(
            `Cosmos container ${database.id}/${wanted.id} is partitioned by ${paths.join() || 'nothing'}, ` +
              `not ${wanted.partitionKey.paths.join()}: drop or rename it, then restart`,
          );
        }
        if (lacksIndexes(wanted.indexingPolicy, resource?.indexingPolicy)) {
          await database.container(wanted.id).replace(wanted);
        }
      }),
    );
  }

  close(): void {
    this.client.dispose();
  }

  /** The item `id` of `container` (in partition `partitionKey`); undefined when there is none. */
  async readItem<T extends ItemDefinition>(
    container: Container,
    id: string,
    partitionKey: string = id,
  ): Promise<T | undefined> {
    return this.bounded(
      async (bound) => (await container.item(id, partitionKey).read<T>(bound)).resource,
    );
  }

  /**
   * Every result of a query (with TOP, one page), page by page: each page's request ends within the
   * read timeout, so a long query (a prune of many sessions) may take its time.
   */
  async queryAll<T>(
    container: Container,
    spec: SqlQuerySpec,
    options: FeedOptions = {},
  ): Promise<T[]> {
    const deadline = new Deadline(this.readTimeoutMs);
    const pages = container.items.query<T>(spec, { ...options, abortSignal: deadline.signal });
    const results: T[] = [];
    try {
      while (pages.hasMoreResults()) {
        deadline.restart();
        results.push(...(await pages.fetchNext()).resources);
      }
    } finally {
      deadline.clear();
    }
    return results;
  }

  /**
   * Runs a read with an abort signal that fires after the read timeout. The SDK does not retry an
   * aborted request, and a retry that was waiting when it fired fails as it starts: the read ends
   * within the timeout plus one of the SDK's 1 s retry delays, and answers `storage-unavailable`.
   * Writes are not bounded here: the SDK does not retry a write that fails on the network, and a
   * write abandoned in flight could still land after its caller was told it failed.
   */
  private bounded<T>(read: (options: SharedOptions) => Promise<T>): Promise<T> {
    return withDeadline(this.readTimeoutMs, (abortSignal) => read({ abortSignal }));
  }
}

/**
 * Whether `actual` lacks something `wanted` indexes: a composite index, or a path (only paths
 * are compared, not the wildcard suffixes Cosmos adds). Extra indexes are left alone.
 */
function lacksIndexes(wanted: IndexingPolicy, actual: IndexingPolicy | undefined): boolean {
  const composite = (index: CompositePath[]) =>
    index.map(({ path, order }) => `${path} ${order ?? 'ascending'}`).join();
  const has = new Set((actual?.compositeIndexes ?? []).map(composite));
  const included = new Set((actual?.includedPaths ?? []).map(({ path }) => path));
  return (
    (wanted.compositeIndexes ?? []).some((index) => !has.has(composite(index))) ||
    (wanted.includedPaths ?? []).some(({ path }) => !included.has(path))
  );
}

/** The HTTP status of a Cosmos SDK error, if it is one. */
export function statusOf(error: unknown): number | undefined {
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

/**
 * Why Cosmos DB cannot serve now: unreachable (the SDK's error carries the socket's code), a
 * request that timed out, or an answer that says so (408, 429 after the SDK's own retries, 5xx).
 */
export const cosmosUnavailable: UnavailableReason = (error) => {
  // TimeoutError: the SDK's own request timeout; AbortError: the read timeout (`bounded`).
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'it timed out';
  return networkFailure(error) ?? statusFailure(statusOf(error));
};

export const CONFLICT = 409;
export const NOT_FOUND = 404;
export const PRECONDITION_FAILED = 412;

/** `createIfNotExists` reads, then creates: between the two another replica may create it. */
async function orReadOnConflict<T>(createIfNotExists: () => Promise<T>): Promise<T> {
  try {
    return await createIfNotExists();
  } catch (error) {
    if (statusOf(error) !== CONFLICT) throw error;
    return createIfNotExists();
  }
}

/** Runs `write`; a failure with one of `statuses` gives `fallback()` instead. */
export async function unless<T>(
  statuses: readonly number[],
  write: () => Promise<T>,
  fallback: () => T | Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const status = statusOf(error);
    if (status !== undefined && statuses.includes(status)) return fallback();
    throw error;
  }
}

/** Builds a parameterised query from named values. */
export function sql(query: string, values: Record<string, JSONValue | undefined>): SqlQuerySpec {
  return {
    query,
    parameters: Object.entries(values)
      .filter((entry): entry is [string, JSONValue] => entry[1] !== undefined)
      .map(([name, value]) => ({ name: `@${name}`, value })),
  };
}

/** Keyset condition for pages newest first on (createdAt, id): rows after the cursor. */
export const AFTER =
  '(c.createdAt < @afterCreatedAt OR (c.createdAt = @afterCreatedAt AND c.id < @afterId))';

/** The ORDER BY that `newestFirst(prefix)` indexes: the equality filter first, then the keyset. */
export const orderNewestFirst = (prefix?: string): string =>
  `ORDER BY ${prefix ? `c.${prefix} ASC, ` : ''}c.createdAt DESC, c.id DESC`;

/** `If-Match` on the version read: the write fails with 412 if someone wrote in between. */
export const ifMatch = (etag: string | undefined) => ({
  accessCondition: { type: 'IfMatch', condition: etag ?? '' },
});
