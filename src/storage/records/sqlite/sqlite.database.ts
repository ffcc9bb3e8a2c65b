import { mkdirSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StorageUnavailableError } from '../../../common/errors.js';
import { SearchIndexBuild } from './sqlite.search-index.js';

/**
 * Schema migrations, applied in order at boot; `PRAGMA user_version` records how many ran.
 * Append only: a released migration never changes.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_at    TEXT NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX users_email ON users (email);

  CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL,
    status          TEXT NOT NULL,
    request         TEXT NOT NULL,
    lineage         TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    error           TEXT,
    image_ids       TEXT NOT NULL,
    idempotency_key TEXT,
    request_hash    TEXT,
    schedule_id     TEXT,
    slot            TEXT,
    provider_ref    TEXT,
    worker_id       TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    started_at      TEXT,
    finished_at     TEXT,
    heartbeat_at    TEXT,
    run_after       TEXT NOT NULL
  ) STRICT;
  -- My jobs, newest first (keyset on created_at, id).
  CREATE INDEX jobs_owner_newest ON jobs (owner_id, created_at DESC, id DESC);
  -- The worker's claim: oldest runnable queued job. Partial, so it stays small.
  CREATE INDEX jobs_queue ON jobs (created_at, id) WHERE status = 'queued';
  -- Recovery: running jobs by heartbeat.
  CREATE INDEX jobs_running ON jobs (heartbeat_at) WHERE status = 'running';
  CREATE UNIQUE INDEX jobs_idempotency ON jobs (owner_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
  -- One run per (schedule, fire time), whichever replica fires first; also a schedule's history.
  CREATE UNIQUE INDEX jobs_schedule_slot ON jobs (schedule_id, slot)
    WHERE schedule_id IS NOT NULL;
  CREATE INDEX jobs_schedule_newest ON jobs (schedule_id, created_at DESC, id DESC)
    WHERE schedule_id IS NOT NULL;

  CREATE TABLE schedules (
    id                   TEXT PRIMARY KEY,
    owner_id             TEXT NOT NULL,
    name                 TEXT NOT NULL,
    cron                 TEXT NOT NULL,
    timezone             TEXT NOT NULL,
    enabled              INTEGER NOT NULL,
    template             TEXT NOT NULL,
    paused_reason        TEXT,
    consecutive_failures INTEGER NOT NULL,
    last_run_at          TEXT,
    next_run_at          TEXT,
    system               INTEGER NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
  ) STRICT;
  CREATE INDEX schedules_owner_newest ON schedules (owner_id, created_at DESC, id DESC);
  CREATE INDEX schedules_newest ON schedules (created_at DESC, id DESC);

  -- seq: a stable integer key for the full-text index (VACUUM may renumber implicit rowids).
  CREATE TABLE images (
    seq                    INTEGER PRIMARY KEY,
    id                     TEXT NOT NULL UNIQUE,
    owner_id               TEXT NOT NULL,
    job_id                 TEXT NOT NULL,
    job_index              INTEGER NOT NULL,
    schedule_id            TEXT,
    visibility             TEXT NOT NULL,
    lineage                TEXT NOT NULL,
    prompt                 TEXT NOT NULL,
    negative_prompt        TEXT,
    provider               TEXT NOT NULL,
    model                  TEXT NOT NULL,
    width                  INTEGER NOT NULL,
    height                 INTEGER NOT NULL,
    seed                   INTEGER,
    content_type           TEXT NOT NULL,
    byte_size              INTEGER NOT NULL,
    sha256                 TEXT NOT NULL,
    blob_key               TEXT NOT NULL,
    thumbnail_key          TEXT NOT NULL,
    thumbnail_content_type TEXT NOT NULL,
    tags                   TEXT NOT NULL,
    created_at             TEXT NOT NULL
  ) STRICT;
  -- The public gallery, newest first. Not a partial index: queries bind visibility as a
  -- parameter, and SQLite only uses a partial index when the query repeats its literal.
  CREATE INDEX images_visibility_newest ON images (visibility, created_at DESC, id DESC);
  -- My history, newest first (private ones too).
  CREATE INDEX images_owner_newest ON images (owner_id, created_at DESC, id DESC);
  CREATE UNIQUE INDEX images_job_index ON images (job_id, job_index);
  CREATE INDEX images_blob_key ON images (blob_key);
  CREATE INDEX images_thumbnail_key ON images (thumbnail_key);

  -- Prompt search. External content: the text lives once, in images; triggers keep it in step.
  CREATE VIRTUAL TABLE images_fts USING fts5 (
    prompt, tags, content = 'images', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER images_fts_insert AFTER INSERT ON images BEGIN
    INSERT INTO images_fts (rowid, prompt, tags) VALUES (new.seq, new.prompt, new.tags);
  END;
  CREATE TRIGGER images_fts_delete AFTER DELETE ON images BEGIN
    INSERT INTO images_fts (images_fts, rowid, prompt, tags) VALUES ('delete', old.seq, old.prompt, old.tags);
  END;
  CREATE TRIGGER images_fts_update AFTER UPDATE OF prompt, tags ON images BEGIN
    INSERT INTO images_fts (images_fts, rowid, prompt, tags) VALUES ('delete', old.seq, old.prompt, old.tags);
    INSERT INTO images_fts (rowid, prompt, tags) VALUES (new.seq, new.prompt, new.tags);
  END;
  `,
  // Accounts (issue 12): disabled users, refused tokens, sessions, API keys, daily quotas, and the
  // admin's lists of every user and every owner's jobs.
  `
  ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE users ADD COLUMN tokens_valid_after TEXT;
  CREATE INDEX users_newest ON users (created_at DESC, id DESC);
  CREATE INDEX jobs_newest ON jobs (created_at DESC, id DESC);

  -- One row per refresh token; a family is one sign-in and every token rotated from it.
  CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    family_id    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    revoked_at   TEXT,
    last_used_at TEXT NOT NULL,
    user_agent   TEXT
  ) STRICT;
  CREATE UNIQUE INDEX sessions_token_hash ON sessions (token_hash);
  -- Every authenticated request asks whether its family was revoked.
  CREATE INDEX sessions_family ON sessions (family_id, revoked_at);
  CREATE INDEX sessions_user ON sessions (user_id);

  CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
  ) STRICT;
  CREATE INDEX api_keys_user_newest ON api_keys (user_id, created_at DESC, id DESC);

  -- Images generated per user and UTC day.
  CREATE TABLE quota_usage (
    user_id TEXT NOT NULL,
    day     TEXT NOT NULL,
    used    INTEGER NOT NULL,
    PRIMARY KEY (user_id, day)
  ) STRICT, WITHOUT ROWID;
  `,
  // The session pruner's two questions, each answered from a small index instead of a scan of
  // every session: live tokens by expiry, and the families that have a revoked token. (IF NOT
  // EXISTS: a replica of an older version, sharing the file, sets user_version back to 2 when it
  // starts; this then runs again.)
  `
  CREATE INDEX IF NOT EXISTS sessions_live_expiry ON sessions (expires_at)
    WHERE revoked_at IS NULL;
  CREATE INDEX IF NOT EXISTS sessions_revoked_family ON sessions (family_id)
    WHERE revoked_at IS NOT NULL;
  `,
  // A count of the changes made to images (issue 11), by whichever replica: what the gallery
  // keeps of a search is checked against it instead of read again. (IF NOT EXISTS and OR IGNORE:
  // as above, an older replica may set user_version back, and this then runs again.)
  `
  CREATE TABLE IF NOT EXISTS images_changes (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    count INTEGER NOT NULL
  ) STRICT;
  INSERT OR IGNORE INTO images_changes (id, count) VALUES (1, 0);
  CREATE TRIGGER IF NOT EXISTS images_changes_insert AFTER INSERT ON images BEGIN
    UPDATE images_changes SET count = count + 1;
  END;
  CREATE TRIGGER IF NOT EXISTS images_changes_update AFTER UPDATE ON images BEGIN
    UPDATE images_changes SET count = count + 1;
  END;
  CREATE TRIGGER IF NOT EXISTS images_changes_delete AFTER DELETE ON images BEGIN
    UPDATE images_changes SET count = count + 1;
  END;
  `,
  // Prompt search with an index of each word's first 1, 2 and 3 letters (issue 11): a search's
  // last word is a prefix, and without this FTS5 merges every word it begins on every query
  // (`a`: half a second at 1M images, whatever page was asked). A file with images gets it built
  // in batches while replicas serve (`SearchIndexBuild`): `built_upto` says which images are in
  // it (seq <= built_upto, or all once `done`), and the triggers keep those, and only those, in
  // step. `images_fts` stays, kept by its own triggers, for replicas of older versions.
  // (IF NOT EXISTS and OR IGNORE: as above.)
  `
  CREATE VIRTUAL TABLE IF NOT EXISTS images_fts_prefix USING fts5 (
    prompt, tags, content = 'images', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
  );
  CREATE TABLE IF NOT EXISTS images_fts_prefix_build (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    built_upto INTEGER NOT NULL,
    done       INTEGER NOT NULL
  ) STRICT;
  INSERT OR IGNORE INTO images_fts_prefix_build (id, built_upto, done)
    SELECT 1, 0, NOT EXISTS (SELECT 1 FROM images);
  CREATE TRIGGER IF NOT EXISTS images_fts_prefix_insert AFTER INSERT ON images
    WHEN (SELECT done OR new.seq <= built_upto FROM images_fts_prefix_build) BEGIN
    INSERT INTO images_fts_prefix (rowid, prompt, tags) VALUES (new.seq, new.prompt, new.tags);
  END;
  CREATE TRIGGER IF NOT EXISTS images_fts_prefix_delete AFTER DELETE ON images
    WHEN (SELECT done OR old.seq <= built_upto FROM images_fts_prefix_build) BEGIN
    INSERT INTO images_fts_prefix (images_fts_prefix, rowid, prompt, tags)
      VALUES ('delete', old.seq, old.prompt, old.tags);
  END;
  CREATE TRIGGER IF NOT EXISTS images_fts_prefix_update AFTER UPDATE OF prompt, tags ON images
    WHEN (SELECT done OR old.seq <= built_upto FROM images_fts_prefix_build) BEGIN
    INSERT INTO images_fts_prefix (images_fts_prefix, rowid, prompt, tags)
      VALUES ('delete', old.seq, old.prompt, old.tags);
    INSERT INTO images_fts_prefix (rowid, prompt, tags) VALUES (new.seq, new.prompt, new.tags);
  END;
  `,
];

/** One better-sqlite3 connection per process: WAL lets readers run beside the single writer. */
export class SqliteDatabase {
  readonly db: Database.Database;
  /** The prefix search index's build, where the file had images before it (see its class). */
  readonly searchIndex: SearchIndexBuild;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = translatingErrors(new Database(path));
    this.db.pragma('journal_mode = WAL');
    // Several replicas may share the file: wait for the writer's lock instead of failing.
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    // Reads through the OS page cache without a copy per page: gallery pages touch rows all over
    // the file, and this roughly halved their query time on a 100k-image store.
    this.db.pragma('mmap_size = 268435456');
    this.migrate();
    this.searchIndex = new SearchIndexBuild(this);
  }

  /**
   * Runs pending migrations in one immediate transaction, so concurrent boots apply each once.
   * A file a newer version already migrated further is left as it is: during a rolling upgrade
   * replicas of both versions share it, and every migration only adds.
   */
  private migrate(): void {
    this.db
      .transaction(() => {
        const applied = this.db.pragma('user_version', { simple: true }) as number;
        if (applied >= MIGRATIONS.length) return;
        for (let version = applied; version < MIGRATIONS.length; version++) {
          this.db.exec(MIGRATIONS[version]);
        }
        this.db.pragma(`user_version = ${MIGRATIONS.length}`);
      })
      .immediate();
  }

  /** A prepared statement for `sql`, compiled once per connection. */
  statement<P extends unknown[] | object = unknown[], R = unknown>(
    sql: string,
  ): Database.Statement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  }

  close(): void {
    this.searchIndex.stop();
    if (this.db.open) this.db.close();
  }

  /**
   * Throws what a write would throw when the database cannot grow: its page budget
   * (`max_page_count`) is spent, or its file system has no room left. Reads still work then, so
   * `SELECT 1` alone would call a full store ready.
   */
  assertRoom(): void {
    const pragma = (name: string) => this.db.pragma(name, { simple: true }) as number;
    if (pragma('page_count') >= pragma('max_page_count') && pragma('freelist_count') === 0) {
      throw new StorageUnavailableError('recordStore', 'the database is full');
    }
    if (this.path === ':memory:') return;
    const disk = statfsSync(dirname(this.path));
    if (disk.bavail * disk.bsize < MIN_FREE_BYTES) {
      throw new StorageUnavailableError('recordStore', 'the disk is full');
    }
  }
}

/** Less room than this on the database's file system counts as full (a write needs pages + WAL). */
const MIN_FREE_BYTES = 1024 * 1024;

/**
 * SQLite's primary result codes that say the store cannot serve now, not that the request is
 * wrong, with what readiness and a 503 say about them.
 */
const UNAVAILABLE: Record<string, string> = {
  SQLITE_FULL: 'the database or disk is full',
  SQLITE_READONLY: 'the database is read-only',
  SQLITE_IOERR: 'the disk failed to read or write',
  SQLITE_CANTOPEN: 'the database file cannot be opened',
  SQLITE_BUSY: 'the database is locked by another writer',
  SQLITE_LOCKED: 'the database is locked',
};

/** `error` as a `StorageUnavailableError` when its code is one of the above; else itself. */
export function translateSqliteError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  // Extended codes name their primary one first: SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED.
  const primary = typeof code === 'string' ? /^SQLITE_[A-Z]+/.exec(code)?.[0] : undefined;
  const reason = primary ? UNAVAILABLE[primary] : undefined;
  return reason ? new StorageUnavailableError('recordStore', reason, { cause: error }) : error;
}

function translated<A extends unknown[], R>(run: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return run(...args);
    } catch (error) {
      throw translateSqliteError(error);
    }
  };
}

const RUNNERS = new Set<PropertyKey>(['run', 'get', 'all', 'iterate']);
type Callable = (...args: unknown[]) => unknown;
type TransactionMode = 'deferred' | 'immediate' | 'exclusive' | 'default';

/**
 * The connection, its statements and its transactions throwing `StorageUnavailableError` for the
 * codes above: every repository on it translates them, without a try in each method.
 */
function translatingErrors(db: Database.Database): Database.Database {
  const statement = (prepared: Database.Statement): Database.Statement => {
    const proxy: Database.Statement = new Proxy(prepared, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        const method = value as Callable;
        const call = (...args: unknown[]): unknown => method.apply(target, args);
        if (RUNNERS.has(property)) return translated(call);
        // Builders (`pluck()`, `raw()`, `bind()`...) return the statement: keep the proxy.
        return (...args: unknown[]) => {
          const result = call(...args);
          return result === target ? proxy : result;
        };
      },
    });
    return proxy;
  };
  const transaction = (fn: (...args: never[]) => unknown) => {
    const run = db.transaction(fn) as unknown as Callable & Record<TransactionMode, Callable>;
    return Object.assign(
      translated((...args: unknown[]) => run(...args)),
      {
        deferred: translated((...args: unknown[]) => run.deferred(...args)),
        immediate: translated((...args: unknown[]) => run.immediate(...args)),
        exclusive: translated((...args: unknown[]) => run.exclusive(...args)),
        default: translated((...args: unknown[]) => run.default(...args)),
      },
    );
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return (source: string) => statement(target.prepare(source));
      if (property === 'transaction') return transaction;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as Callable).bind(target) : value;
    },
  });
}

/** True when `error` is SQLite refusing a write for a UNIQUE index named `index`. */
export function isUniqueViolation(error: unknown, index: string): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    typeof e.message === 'string' &&
    e.message.endsWith(INDEX_COLUMNS[index] ?? '\0')
  );
}

/** SQLite names columns, not the index, in its message ("UNIQUE constraint failed: users.email"). */
const INDEX_COLUMNS: Record<string, string> = {
  users_email: 'users.email',
  jobs_idempotency: 'jobs.owner_id, jobs.idempotency_key',
  jobs_schedule_slot: 'jobs.schedule_id, jobs.slot',
  images_job_index: 'images.job_id, images.job_index',
};
