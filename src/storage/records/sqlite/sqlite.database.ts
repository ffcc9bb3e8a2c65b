import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

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
];

/** One better-sqlite3 connection per process: WAL lets readers run beside the single writer. */
export class SqliteDatabase {
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // Several replicas may share the file: wait for the writer's lock instead of failing.
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    // Reads through the OS page cache without a copy per page: gallery pages touch rows all over
    // the file, and this roughly halved their query time on a 100k-image store.
    this.db.pragma('mmap_size = 268435456');
    this.migrate();
  }

  /** Runs pending migrations in one immediate transaction, so concurrent boots apply each once. */
  private migrate(): void {
    this.db
      .transaction(() => {
        const applied = this.db.pragma('user_version', { simple: true }) as number;
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
    if (this.db.open) this.db.close();
  }
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
