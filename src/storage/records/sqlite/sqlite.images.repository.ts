import type { PageRequest } from '../../../common/cursor.js';
import type { ImageSearch } from '../image-search.js';
import { ImagesRepository, type ImagePatch, type ImageQuery } from '../images.repository.js';
import {
  UniqueViolationError,
  type ImageRecord,
  type Visibility,
} from '../../../domain/records.js';
import { isUniqueViolation, type SqliteDatabase } from './sqlite.database.js';

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

/** Columns read back, in this order: rows come as arrays (`raw` mode), several times cheaper
 * to materialise than objects with two dozen keys on the gallery's hot path. */
const READ_COLUMNS = [
  'id',
  'owner_id',
  'job_id',
  'job_index',
  'schedule_id',
  'visibility',
  'lineage',
  'prompt',
  'negative_prompt',
  'provider',
  'model',
  'width',
  'height',
  'seed',
  'content_type',
  'byte_size',
  'sha256',
  'blob_key',
  'thumbnail_key',
  'thumbnail_content_type',
  'tags',
  'created_at',
] as const satisfies readonly (keyof ImageRow)[];
const SELECT = `SELECT ${READ_COLUMNS.join(', ')} FROM images`;

type RowOf<T extends readonly (keyof ImageRow)[]> = {
  -readonly [K in keyof T]: ImageRow[T[K] & keyof ImageRow];
};
type RawImageRow = RowOf<typeof READ_COLUMNS>;

const toImage = (row: RawImageRow): ImageRecord => {
  const [
    id,
    ownerId,
    jobId,
    index,
    scheduleId,
    visibility,
    lineage,
    prompt,
    negativePrompt,
    provider,
    model,
    width,
    height,
    seed,
    contentType,
    byteSize,
    sha256,
    blobKey,
    thumbnailKey,
    thumbnailContentType,
    tags,
    createdAt,
  ] = row;
  return {
    id,
    ownerId,
    jobId,
    index,
    scheduleId,
    visibility: visibility as Visibility,
    lineage: JSON.parse(lineage) as ImageRecord['lineage'],
    prompt,
    negativePrompt,
    provider,
    model,
    width,
    height,
    seed,
    contentType,
    byteSize,
    sha256,
    blobKey,
    thumbnailKey,
    thumbnailContentType,
    tags: JSON.parse(tags) as string[],
    createdAt,
  };
};

const toRow = (image: ImageRecord): ImageRow => ({
  id: image.id,
  owner_id: image.ownerId,
  job_id: image.jobId,
  job_index: image.index,
  schedule_id: image.scheduleId,
  visibility: image.visibility,
  lineage: JSON.stringify(image.lineage),
  prompt: image.prompt,
  negative_prompt: image.negativePrompt,
  provider: image.provider,
  model: image.model,
  width: image.width,
  height: image.height,
  seed: image.seed,
  content_type: image.contentType,
  byte_size: image.byteSize,
  sha256: image.sha256,
  blob_key: image.blobKey,
  thumbnail_key: image.thumbnailKey,
  thumbnail_content_type: image.thumbnailContentType,
  tags: JSON.stringify(image.tags),
  created_at: image.createdAt,
});

const COLUMNS = Object.keys(toRow({ lineage: {}, tags: [] } as unknown as ImageRecord));

/**
 * A search as an FTS5 query: each word quoted (no FTS syntax gets through), all required, the
 * last one also as a prefix. The words go as written: the FTS5 tokenizer folds them as it folded
 * the stored prompts and tags.
 */
function toFtsQuery({ words }: ImageSearch): string {
  return words.map((word, i) => `"${word}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

export class SqliteImagesRepository extends ImagesRepository {
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
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: page.limit };
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
      add('seq IN (SELECT rowid FROM images_fts WHERE images_fts MATCH @match)', {
        match: toFtsQuery(filter.search),
      });
    }
    if (page.after) {
      add('(created_at, id) < (@afterCreatedAt, @afterId)', {
        afterCreatedAt: page.after.createdAt,
        afterId: page.after.id,
      });
    }
    const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT @limit`;
    return this.rows<[Record<string, unknown>]>(sql).all(params).map(toImage);
  }

  async listByJob(jobId: string): Promise<ImageRecord[]> {
    return this.rows<[string]>(`${SELECT} WHERE job_id = ? ORDER BY job_index`)
      .all(jobId)
      .map(toImage);
  }

  async update(id: string, patch: ImagePatch): Promise<ImageRecord | null> {
    const row = this.rows<[Record<string, unknown>]>(
      `UPDATE images SET visibility = coalesce(@visibility, visibility), tags = coalesce(@tags, tags)
        WHERE id = @id RETURNING ${READ_COLUMNS.join(', ')}`,
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
