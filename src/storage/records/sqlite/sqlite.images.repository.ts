import { BoundedCache } from '../../../common/bounded-cache.js';
import type { PageCursor, PageRequest } from '../../../common/cursor.js';
import type { ImageSearch } from '../image-search.js';
import {
  ImagesRepository,
  type ImagePatch,
  type ImageQuery,
  type ItemLayout,
  type OwnedItem,
} from '../images.repository.js';
import {
  UniqueViolationError,
  type ImageRecord,
  type Visibility,
} from '../../../domain/records.js';
import { isUniqueViolation, type SqliteDatabase } from './sqlite.database.js';
import { limitOf } from './sqlite.sql.js';

interface ImageRow {
  id: string;
  owner_id: string;
  job_id: string;
  job_index: number;
  schedule_id: string | null;
  visibility: string;
  lineage: string;
  prompt: string;
  negative_prompt: string | null;
  provider: string;
  model: string;
  width: number;
  height: number;
  seed: number | null;
  content_type: string;
  byte_size: number;
  sha256: string;
  blob_key: string;
  thumbnail_key: string;
  thumbnail_content_type: string;
  tags: string;
  created_at: string;
}

/** Each field of an image and its column; rows are read in this order. */
const COLUMN_OF: { readonly [K in keyof ImageRecord]-?: keyof ImageRow } = {
  id: 'id',
  ownerId: 'owner_id',
  jobId: 'job_id',
  index: 'job_index',
  scheduleId: 'schedule_id',
  visibility: 'visibility',
  lineage: 'lineage',
  prompt: 'prompt',
  negativePrompt: 'negative_prompt',
  provider: 'provider',
  model: 'model',
  width: 'width',
  height: 'height',
  seed: 'seed',
  contentType: 'content_type',
  byteSize: 'byte_size',
  sha256: 'sha256',
  blobKey: 'blob_key',
  thumbnailKey: 'thumbnail_key',
  thumbnailContentType: 'thumbnail_content_type',
  tags: 'tags',
  createdAt: 'created_at',
};
const FIELDS = Object.keys(COLUMN_OF) as (keyof ImageRecord)[];
const COLUMNS = Object.values(COLUMN_OF);
const SELECT_COLUMNS = `SELECT ${COLUMNS.join(', ')}`;
const SELECT = `${SELECT_COLUMNS} FROM images`;

/** The values of `COLUMNS`, in order: rows come as arrays (`raw` mode), several times cheaper to
 * materialise than objects with two dozen keys on the gallery's hot path. */
type RawImageRow = unknown[];

/**
 * Every field, unset: each record starts as a copy, so that all have one shape from the start
 * (filling an empty object key by key is several times slower, on the gallery's hot path).
 */
const BLANK: Record<string, unknown> = Object.fromEntries(FIELDS.map((field) => [field, null]));

/** `lineage` and `tags` are stored as JSON. */
function toImage(row: RawImageRow): ImageRecord {
  const image = { ...BLANK };
  for (let i = 0; i < FIELDS.length; i++) image[FIELDS[i]] = row[i];
  image.lineage = JSON.parse(image.lineage as string);
  image.tags = JSON.parse(image.tags as string);
  return image as unknown as ImageRecord;
}

function toRow(image: ImageRecord): ImageRow {
  const row: Record<string, unknown> = {};
  for (const field of FIELDS) row[COLUMN_OF[field]] = image[field];
  row.lineage = JSON.stringify(image.lineage);
  row.tags = JSON.stringify(image.tags);
  return row as unknown as ImageRow;
}

/** A string as an SQL literal. */
function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The columns stored as JSON text, which an item holds as JSON (not as a string). */
const JSON_COLUMNS = new Set<keyof ImageRow>(['lineage', 'tags']);

/**
 * `layout` as a `json_object(...)` over an images row. SQLite writes JSON as `JSON.stringify` does
 * (the same escapes, integers as integers: the images contract compares the two).
 */
function jsonObjectOf(layout: ItemLayout): string {
  const parts = layout.map(([key, value]) => {
    let expression: string;
    if (typeof value === 'string') {
      const column = COLUMN_OF[value];
      expression = JSON_COLUMNS.has(column) ? `json(${column})` : column;
    } else {
      expression = `${sqlText(value.before)} || id || ${sqlText(value.after)}`;
    }
    return `${sqlText(key)}, ${expression}`;
  });
  return `json_object(${parts.join(', ')})`;
}

/**
 * The statement of `publicItems`: each of the ids' row found by id, its JSON made by `layout`.
 * `+visibility`: with a plain `visibility = 'public'` SQLite walks the visibility index (every
 * public image: 14 ms a page at 100k images) instead of looking the ids up.
 */
export function publicItemsSql(layout: ItemLayout): string {
  return `SELECT id, ${jsonObjectOf(layout)} FROM images
    WHERE id IN (SELECT value FROM json_each(?)) AND +visibility = 'public'`;
}

/**
 * The statement of `ownedItems`: each of the ids' row found by id, with its visibility and its
 * JSON made by `layout`. `+owner_id`, as `+visibility` above: the ids are looked up, not the
 * owner's index walked.
 */
export function ownedItemsSql(layout: ItemLayout): string {
  return `SELECT id, visibility, ${jsonObjectOf(layout)} FROM images
    WHERE id IN (SELECT value FROM json_each(?)) AND +owner_id = ?`;
}

/** `make(layout)`, made the first time and kept in `made`. */
function madeOnce(
  made: WeakMap<ItemLayout, string>,
  layout: ItemLayout,
  make: (layout: ItemLayout) => string,
): string {
  let sql = made.get(layout);
  if (sql === undefined) {
    sql = make(layout);
    made.set(layout, sql);
  }
  return sql;
}

/**
 * A search as an FTS5 query: each word quoted (no FTS syntax gets through), all required, the
 * last one also as a prefix. The words go as written: the FTS5 tokenizer folds them as it folded
 * the stored prompts and tags.
 *
 * A prefix is the union of every term starting with it, which FTS5 merges whole on every query
 * unless its index holds that prefix: `images_fts` holds none (0.5 s for `a` at 1M images,
 * whatever rowid bounds go with it), `images_fts_prefix` those of 1 to 3 letters, which it seeks
 * like one word (`a` within 2,048 rowids: 0.5 ms at 100k images). A longer prefix is merged
 * whole in either (`featured`: 10 ms at 1M). Bind rowid bounds as BigInts: better-sqlite3 binds a
 * number as a REAL, which FTS5 ignores as a rowid bound (`rowid = ?` then matched every row,
 * with SQLite 3.53).
 */
function toFtsQuery({ words }: ImageSearch): string {
  return words.map((word, i) => `"${word}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

/**
 * How a search's page is read:
 * - `walk`: down the newest-first index (the visibility's or the owner's), each entry checked
 *   against the set of the search's matches, until the page is full. It stops early where matches
 *   are common, and walks the whole index where they are few or none (a word nobody used: 138 ms
 *   a page at 1M images, every page). Building the set costs every match: 0.5 s for `a` at 1M.
 * - `lookup`: each match's row found by its rowid, the page's filters checked there, then sorted.
 *   Its cost is the number of matches, wherever they are.
 * - `chunks`: down the newest-first index a chunk of entries at a time, the full-text index asked
 *   which of each chunk's rows match (the rowids between the chunk's lowest and highest), until
 *   the page is full. Its cost is the entries walked and the matches among them, not every match:
 *   where most images match, a page is one small chunk. Only with the prefix index
 *   (`images_fts_prefix`): without it, a short prefix is merged whole on every ask, chunk or not.
 *   It hands the rest of the page to `walk` where matches prove sparse among the entries walked
 *   (`CHUNK_ENTRY_COST`), and where chunks' spans add up past two whole indexes
 *   (`CHUNKS_BUDGET`: creation instants that do not follow insertion). A chunk whose rows are
 *   spread thin over their span (a history among everyone's images) asks about each row instead,
 *   where that is a seek (`PROBE_SPREAD`).
 *   Measured at 1M images, a page of 21: `a` 0.5 ms (`walk`: 220-300 ms), `lig` 0.4-0.8 ms
 *   (105-190), `featured` 13 ms (27); the 50,001 keys `SearchKeys` asks for, `a` 164 ms.
 *
 * See `searchPlan`.
 */
export type SearchPlan = SqlPlan | 'chunks';

/** The plans that are one statement (`imageKeysSql`). */
export type SqlPlan = 'walk' | 'lookup';

/** The full-text index a search reads: the prefix one once built (`SearchIndexBuild`). */
export type FtsTable = 'images_fts' | 'images_fts_prefix';

/**
 * What looking a match's row up costs, in index entries walked: measured at 1M images, 2.7-3.3 µs
 * a row looked up (the rows are spread over the file) against 0.14 µs an index entry walked and
 * checked against the matches.
 */
const LOOKUP_COST = 20;

/**
 * The most matches for which looking them up (`lookup`) costs less than walking the index
 * (`walk`), for a page of `limit` keys over about `rows` images. Walking finds `limit` matches in
 * about `limit × rows / matches` entries (the whole index at most); looking up costs
 * `matches × LOOKUP_COST`. Equal at `sqrt(limit × rows / LOOKUP_COST)`, and never past
 * `rows / LOOKUP_COST` (a whole walk). At 1M images: about 1,000 matches for a page of 21, 50,000
 * for the 50,001 keys `SearchKeys` reads.
 */
export function lookupThreshold(limit: number, rows: number): number {
  const bound = rows / LOOKUP_COST;
  return Math.ceil(Math.min(bound, Math.sqrt(limit * bound)));
}

/**
 * The WHERE, ORDER BY and LIMIT of a page of `filter`, and their parameters; `from` is the table
 * as the plan reads it (`lookup`: `NOT INDEXED`, so that SQLite looks the matches up by rowid and
 * sorts them, instead of walking an index that is already in order).
 */
function matching(
  filter: ImageQuery,
  page: PageRequest,
  plan: SqlPlan,
  fts: FtsTable,
): { from: string; where: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const add = (clause: string, values: Record<string, unknown>) => {
    where.push(clause);
    Object.assign(params, values);
  };
  if (filter.visibility) add('visibility = @visibility', { visibility: filter.visibility });
  if (filter.ownerId) add('owner_id = @ownerId', { ownerId: filter.ownerId });
  if (filter.provider) add('provider = @provider', { provider: filter.provider });
  if (filter.model) add('model = @model', { model: filter.model });
  if (filter.from) add('created_at >= @from', { from: filter.from });
  if (filter.to) add('created_at < @to', { to: filter.to });
  if (filter.tag) {
    add('EXISTS (SELECT 1 FROM json_each(images.tags) WHERE value = @tag)', { tag: filter.tag });
  }
  if (filter.search) {
    add(`seq IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH @match)`, {
      match: toFtsQuery(filter.search),
    });
  }
  if (page.after) {
    add('(created_at, id) < (@afterCreatedAt, @afterId)', {
      afterCreatedAt: page.after.createdAt,
      afterId: page.after.id,
    });
  }
  return {
    from: filter.search && plan === 'lookup' ? 'images NOT INDEXED' : 'images',
    where: `${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC ${limitOf(page.limit)}`,
    params,
  };
}

/**
 * The statement of a page of keys (`listMatchingKeys`), read with `plan` where `filter` searches,
 * and its parameters. Each key as one string (`createdAt id`), split by `splitKey`: a string per
 * row instead of two, and no array per row, cost a page of 21 keys 9.6 µs against 14 µs for two
 * columns as arrays.
 */
export function imageKeysSql(
  filter: ImageQuery,
  page: PageRequest,
  plan: SqlPlan,
  fts: FtsTable = 'images_fts_prefix',
): { sql: string; params: Record<string, unknown> } {
  const { from, where, params } = matching(filter, page, plan, fts);
  return { sql: `SELECT created_at || ' ' || id FROM ${from} ${where}`, params };
}

/** A key as `listMatchingKeys` reads it: `createdAt id` (an ISO instant has no space). */
function splitKey(key: string): PageCursor {
  const space = key.indexOf(' ');
  return { createdAt: key.slice(0, space), id: key.slice(space + 1) };
}

/** A search's matches as counted: `matches`, all of them when `exact`, else at least that. */
interface MatchCount {
  readonly matches: number;
  readonly exact: boolean;
}

/** The first chunk of `chunks` holds twice the page, at least this many entries... */
const MIN_CHUNK = 64;
/** ...and each next one twice the last, at most this many. */
const MAX_CHUNK = 16_384;
/**
 * A chunk whose rows span more than this many rowids each asks the full-text index about each of
 * its rows instead of its span, where that is a seek (see `chunkedKeys`): an owner's images among
 * many others' (at 1M images, the history of one in 10,000 searched for `a`: 248 ms walking, 2.6
 * in chunks asking row by row).
 */
const PROBE_SPREAD = 64;
/** The longest prefix `images_fts_prefix` indexes (migration 5: `prefix = '1 2 3'`). */
const LONGEST_INDEXED_PREFIX = 3;
/** What `chunks` may read of the full-text index, in rowid spans, as a multiple of every rowid. */
const CHUNKS_BUDGET = 2;
/**
 * What an index entry walked by `chunks` costs, in matches gathered by `walk`: about 1 µs against
 * 0.25 (measured at 1M images). Walking on for the `left` keys of a page, at a density `d` of
 * matches among the entries, costs `left / d` entries; gathering every match, `d × rows`.
 * `chunks` hands the page to `walk` once `d² × rows < CHUNK_ENTRY_COST × left`: at 1M images,
 * below 0.9% for a page of 21.
 */
const CHUNK_ENTRY_COST = 4;

/**
 * `filter` for the entries after `after`, without its `to` where `after` lies below it already:
 * one upper bound, as `ImagesRepository` hands the adapters (with both, SQLite scanned instead of
 * walking the index).
 */
function below<F extends ImageQuery>(filter: F, after: PageCursor | undefined): F {
  return after && filter.to !== undefined && after.createdAt < filter.to
    ? { ...filter, to: undefined }
    : filter;
}

/** Searches whose match count is kept: about a thousand. */
const MATCH_COUNTS_MAX_BYTES = 256 * 1024;
const MATCH_COUNTS_TTL_MS = 60_000;

export class SqliteImagesRepository extends ImagesRepository {
  override readonly keysFromIndex = true;
  /** Each layout's SQL, made once (the gallery has one layout of each). */
  private readonly itemSql = new WeakMap<ItemLayout, string>();
  private readonly ownedItemSql = new WeakMap<ItemLayout, string>();
  /**
   * How many images each search matched when last counted, up to the count asked for (`exact`
   * when it found fewer): it only chooses a plan (`searchPlan`), both plans read the same page,
   * so a count a minute old is good enough.
   */
  private readonly matchCounts = new BoundedCache<MatchCount>(
    () => 256,
    MATCH_COUNTS_MAX_BYTES,
    MATCH_COUNTS_TTL_MS,
  );

  constructor(private readonly sqlite: SqliteDatabase) {
    super();
  }

  async insert(image: ImageRecord): Promise<ImageRecord> {
    try {
      this.sqlite
        .statement<[ImageRow]>(
          `INSERT INTO images (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`,
        )
        .run(toRow(image));
    } catch (error) {
      if (isUniqueViolation(error, 'images_job_index')) {
        throw new UniqueViolationError('image-job-index');
      }
      throw error;
    }
    return image;
  }

  async findById(id: string): Promise<ImageRecord | null> {
    const row = this.rows<[string]>(`${SELECT} WHERE id = ?`).get(id);
    return row ? toImage(row) : null;
  }

  protected async listMatching(filter: ImageQuery, page: PageRequest): Promise<ImageRecord[]> {
    const plan = this.searchPlan(filter, page.limit);
    if (plan === 'chunks') {
      const keys = this.readKeys(filter, page, plan);
      return this.rows<[string]>(
        `${SELECT} WHERE id IN (SELECT value FROM json_each(?)) ORDER BY created_at DESC, id DESC`,
      )
        .all(JSON.stringify(keys.map((key) => splitKey(key).id)))
        .map(toImage);
    }
    const { from, where, params } = matching(filter, page, plan, this.ftsTable());
    return this.rows<[Record<string, unknown>]>(`${SELECT_COLUMNS} FROM ${from} ${where}`)
      .all(params)
      .map(toImage);
  }

  /** From the index alone where the filter allows (visibility or owner, no search). */
  protected override async listMatchingKeys(
    filter: ImageQuery,
    page: PageRequest,
  ): Promise<PageCursor[]> {
    return this.readKeys(filter, page, this.searchPlan(filter, page.limit)).map(splitKey);
  }

  /** A page of keys (`createdAt id`) read with `plan`: every plan reads the same page. */
  readKeys(filter: ImageQuery, page: PageRequest, plan: SearchPlan): string[] {
    const fts = this.ftsTable();
    return plan === 'chunks'
      ? this.chunkedKeys(filter, page, fts)
      : this.keys(filter, page, plan, fts);
  }

  /** A page of keys (`createdAt id`) read by one statement. */
  private keys(filter: ImageQuery, page: PageRequest, plan: SqlPlan, fts: FtsTable): string[] {
    const { sql, params } = imageKeysSql(filter, page, plan, fts);
    return this.sqlite.statement<[Record<string, unknown>], string>(sql).pluck(true).all(params);
  }

  /**
   * A search's page of keys by `chunks` (see `SearchPlan`): chunks of the newest-first index,
   * from twice the page (at least `MIN_CHUNK`) doubling up to `MAX_CHUNK`, each checked against
   * the search's matches among its rowids. Rowids are bound as BigInts: FTS5 ignores a REAL
   * (what better-sqlite3 makes of a number) as a rowid bound and would read every match.
   */
  private chunkedKeys(filter: ImageQuery, page: PageRequest, fts: FtsTable): string[] {
    const { search, ...unsearched } = filter;
    if (!search) return this.keys(filter, page, 'walk', fts);
    const inRange = this.sqlite
      .statement<[string, bigint, bigint], number>(
        `SELECT rowid FROM ${fts} WHERE ${fts} MATCH ? AND rowid BETWEEN ? AND ?`,
      )
      .pluck(true);
    // JSON integers bind as integers (not REALs), which FTS5 takes as rowids to seek.
    const byRowid = this.sqlite
      .statement<[string, string], number>(
        `SELECT rowid FROM ${fts} WHERE ${fts} MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
      )
      .pluck(true);
    const match = toFtsQuery(search);
    // A last word the prefix index holds: each row asked about is a seek. A longer one is merged
    // whole on every ask (asking about 64 rows for `featured` at 1M images: 0.9 s).
    const seekable =
      fts === 'images_fts_prefix' && [...search.tokens.at(-1)!].length <= LONGEST_INDEXED_PREFIX;
    const rows = this.maxSeq() + 1;
    let budget = CHUNKS_BUDGET * rows;
    const found: string[] = [];
    let after = page.after;
    let size = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, 2 * page.limit));
    let walked = 0;
    for (;;) {
      const { from, where, params } = matching(
        below(unsearched, after),
        { limit: size, after },
        'walk',
        fts,
      );
      const chunk = this.sqlite
        .statement<[Record<string, unknown>], [number, string]>(
          `SELECT seq, created_at || ' ' || id FROM ${from} ${where}`,
        )
        .raw(true)
        .all(params);
      if (chunk.length === 0) return found;
      let low = chunk[0][0];
      let high = low;
      for (const [seq] of chunk) {
        if (seq < low) low = seq;
        else if (seq > high) high = seq;
      }
      let matches: Set<number>;
      if (seekable && high - low + 1 > PROBE_SPREAD * chunk.length) {
        matches = new Set(byRowid.all(match, JSON.stringify(chunk.map(([seq]) => seq))));
      } else {
        budget -= high - low + 1;
        if (budget < 0) return found.concat(this.walkOn(filter, page, found, after, fts));
        matches = new Set(inRange.all(match, BigInt(low), BigInt(high)));
      }
      for (const [seq, key] of chunk) {
        if (!matches.has(seq)) continue;
        found.push(key);
        if (found.length === page.limit) return found;
      }
      if (chunk.length < size) return found;
      after = splitKey(chunk[chunk.length - 1][1]);
      // Matches as sparse as this so far: gathering them all (`walk`) costs less than walking on.
      walked += chunk.length;
      const density = found.length / walked;
      if (density * density * rows < CHUNK_ENTRY_COST * (page.limit - found.length)) {
        return found.concat(this.walkOn(filter, page, found, after, fts));
      }
      size = Math.min(MAX_CHUNK, size * 2);
    }
  }

  /** The rest of a page `chunks` began (`found` so far, up to `after`), read by `walk`. */
  private walkOn(
    filter: ImageQuery,
    page: PageRequest,
    found: readonly string[],
    after: PageCursor | undefined,
    fts: FtsTable,
  ): string[] {
    const rest = { limit: page.limit - found.length, after };
    return this.keys(below(filter, after), rest, 'walk', fts);
  }

  /** The highest rowid: how many images there are, about (deleted ones counted), at no cost. */
  private maxSeq(): number {
    return this.sqlite.statement<[], number>('SELECT max(seq) FROM images').pluck(true).get() ?? 0;
  }

  /** The prefix index once it is built (`SearchIndexBuild`); the old one until then. */
  private ftsTable(): FtsTable {
    return this.sqlite.searchIndex.isDone() ? 'images_fts_prefix' : 'images_fts';
  }

  /**
   * The plan for a page of `limit` under `filter` (see `SearchPlan`): `lookup` where its search
   * matches at most `lookupThreshold` images, counted (up to one past that) by the full-text index
   * alone, and the count kept (`matchCounts`); else `chunks` where the prefix index is built, and
   * `walk` until it is.
   */
  searchPlan(filter: ImageQuery, limit: number): SearchPlan {
    if (!filter.search) return 'walk';
    const fts = this.ftsTable();
    const rows = this.maxSeq();
    const threshold = lookupThreshold(limit, rows);
    const match = toFtsQuery(filter.search);
    const countKey = `${fts} ${match}`;
    let counted = this.matchCounts.get(countKey);
    if (counted === undefined || (!counted.exact && counted.matches <= threshold)) {
      const asked = threshold + 1;
      const matches =
        this.sqlite
          .statement<[string, number], number>(
            `SELECT count(*) FROM (SELECT 1 FROM ${fts} WHERE ${fts} MATCH ? LIMIT ?)`,
          )
          .pluck(true)
          .get(match, asked) ?? 0;
      counted = { matches, exact: matches < asked };
      this.matchCounts.set(countKey, counted);
    }
    if (counted.matches <= threshold) return 'lookup';
    return fts === 'images_fts_prefix' ? 'chunks' : 'walk';
  }

  override async findByIds(ids: readonly string[]): Promise<ImageRecord[]> {
    return this.rows<[string]>(`${SELECT} WHERE id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(ids))
      .map(toImage);
  }

  /**
   * The JSON written by SQLite: for a page of 20 items not in the gallery's cache, 90 µs against
   * 200 for reading the rows and serialising them here (measured at 100k images).
   */
  override async publicItems(
    ids: readonly string[],
    layout: ItemLayout,
  ): Promise<Map<string, string>> {
    const sql = madeOnce(this.itemSql, layout, publicItemsSql);
    return new Map(
      this.sqlite.statement<[string], [string, string]>(sql).raw(true).all(JSON.stringify(ids)),
    );
  }

  override async ownedItems(
    ids: readonly string[],
    ownerId: string,
    layout: ItemLayout,
  ): Promise<Map<string, OwnedItem>> {
    const sql = madeOnce(this.ownedItemSql, layout, ownedItemsSql);
    const rows = this.sqlite
      .statement<[string, string], [string, Visibility, string]>(sql)
      .raw(true)
      .all(JSON.stringify(ids), ownerId);
    return new Map(rows.map(([id, visibility, json]) => [id, { json, visibility }]));
  }

  /** Kept by triggers on `images` (the fourth migration), so every replica's changes count. */
  override async changeCount(): Promise<number | undefined> {
    return this.sqlite
      .statement<[], number>('SELECT count FROM images_changes WHERE id = 1')
      .pluck(true)
      .get();
  }

  async listByJob(jobId: string): Promise<ImageRecord[]> {
    return this.rows<[string]>(`${SELECT} WHERE job_id = ? ORDER BY job_index`)
      .all(jobId)
      .map(toImage);
  }

  async update(id: string, patch: ImagePatch): Promise<ImageRecord | null> {
    const row = this.rows<[Record<string, unknown>]>(
      `UPDATE images SET visibility = coalesce(@visibility, visibility), tags = coalesce(@tags, tags)
        WHERE id = @id RETURNING ${COLUMNS.join(', ')}`,
    ).get({
      id,
      visibility: patch.visibility ?? null,
      tags: patch.tags ? JSON.stringify(patch.tags) : null,
    });
    return row ? toImage(row) : null;
  }

  private rows<P extends unknown[]>(sql: string) {
    return this.sqlite.statement<P, RawImageRow>(sql).raw(true);
  }

  async delete(id: string): Promise<boolean> {
    return this.sqlite.statement<[string]>('DELETE FROM images WHERE id = ?').run(id).changes > 0;
  }

  async findReferencedKeys(keys: readonly string[]): Promise<Set<string>> {
    const rows = this.sqlite
      .statement<[string, string], { key: string }>(
        `SELECT blob_key AS key FROM images WHERE blob_key IN (SELECT value FROM json_each(?))
         UNION
         SELECT thumbnail_key FROM images WHERE thumbnail_key IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(keys), JSON.stringify(keys));
    return new Set(rows.map((row) => row.key));
  }
}
