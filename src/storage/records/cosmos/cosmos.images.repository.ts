import type { PatchOperation } from '@azure/cosmos';
import type { PageRequest } from '../../../common/cursor.js';
import { searchTokens, type ImageSearch } from '../image-search.js';
import { ImagesRepository, type ImagePatch, type ImageQuery } from '../images.repository.js';
import { IMAGE_FIELDS, pickFields } from '../record-fields.js';
import { UniqueViolationError, type ImageRecord } from '../../../domain/records.js';
import {
  AFTER,
  CONFLICT,
  type CosmosDatabase,
  NOT_FOUND,
  orderNewestFirst,
  sql,
  statusOf,
  unless,
} from './cosmos.database.js';

type ImageDoc = ImageRecord & { readonly searchText: string };

const toImage = (doc: ImageRecord): ImageRecord => pickFields(doc, IMAGE_FIELDS);

/** What search matches: the image's search tokens, each with a space on both sides. */
const toSearchText = (prompt: string, tags: readonly string[]): string =>
  ` ${searchTokens(prompt, tags).join(' ')} `;

/**
 * A search as substrings of `searchText`, all required: each token whole (" word "), the last as
 * a word prefix (" wor"). Only 2-argument CONTAINS on parameters: no query syntax gets through,
 * and it runs everywhere.
 */
const toSearchTerms = ({ tokens }: ImageSearch): string[] =>
  tokens.map((token, i) => (i === tokens.length - 1 ? ` ${token}` : ` ${token} `));

const toDoc = (image: ImageRecord): ImageDoc => ({
  ...toImage(image),
  searchText: toSearchText(image.prompt, image.tags),
});

/** Page size for findReferencedKeys: keys per query. */
const KEYS_PER_QUERY = 100;

/** Images in `images` (pk /jobId, unique /index: see `CONTAINERS`). */
export class CosmosImagesRepository extends ImagesRepository {
  constructor(private readonly cosmos: CosmosDatabase) {
    super();
  }

  async insert(image: ImageRecord): Promise<ImageRecord> {
    try {
      await this.cosmos.images.items.create(toDoc(image));
    } catch (error) {
      if (statusOf(error) === CONFLICT) throw new UniqueViolationError('image-job-index');
      throw error;
    }
    return image;
  }

  async findById(id: string): Promise<ImageRecord | null> {
    const doc = await this.find(id);
    return doc ? toImage(doc) : null;
  }

  protected async listMatching(filter: ImageQuery, page: PageRequest): Promise<ImageRecord[]> {
    const where: string[] = [];
    const values: Record<string, string | number> = { limit: page.limit };
    const add = (clause: string, name: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(clause);
      values[name] = value;
    };
    add('c.visibility = @visibility', 'visibility', filter.visibility);
    add('c.ownerId = @ownerId', 'ownerId', filter.ownerId);
    add('c.provider = @provider', 'provider', filter.provider);
    add('c.model = @model', 'model', filter.model);
    add('ARRAY_CONTAINS(c.tags, @tag)', 'tag', filter.tag);
    add('c.createdAt >= @from', 'from', filter.from);
    add('c.createdAt < @to', 'to', filter.to);
    if (filter.search) {
      toSearchTerms(filter.search).forEach((term, i) =>
        add(`CONTAINS(c.searchText, @q${i})`, `q${i}`, term),
      );
    }
    if (page.after) {
      where.push(AFTER);
      values.afterCreatedAt = page.after.createdAt;
      values.afterId = page.after.id;
    }
    // The equality that narrows most leads the sort, so its composite index serves the query.
    const prefix = filter.ownerId ? 'ownerId' : filter.visibility ? 'visibility' : undefined;
    const docs = await this.cosmos.queryAll<ImageDoc>(
      this.cosmos.images,
      sql(
        `SELECT TOP @limit * FROM c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ${orderNewestFirst(prefix)}`,
        values,
      ),
      { maxItemCount: page.limit },
    );
    return docs.map(toImage);
  }

  async listByJob(jobId: string): Promise<ImageRecord[]> {
    const docs = await this.cosmos.queryAll<ImageDoc>(
      this.cosmos.images,
      sql('SELECT * FROM c WHERE c.jobId = @jobId ORDER BY c.index ASC', { jobId }),
      { partitionKey: jobId },
    );
    return docs.map(toImage);
  }

  async update(id: string, patch: ImagePatch): Promise<ImageRecord | null> {
    const doc = await this.find(id);
    if (!doc) return null;
    const operations: PatchOperation[] = [];
    if (patch.visibility !== undefined) {
      operations.push({ op: 'set', path: '/visibility', value: patch.visibility });
    }
    if (patch.tags !== undefined) {
      operations.push(
        { op: 'set', path: '/tags', value: [...patch.tags] },
        { op: 'set', path: '/searchText', value: toSearchText(doc.prompt, patch.tags) },
      );
    }
    if (operations.length === 0) return toImage(doc);
    return unless(
      [NOT_FOUND],
      async () => {
        const { resource } = await this.cosmos.images
          .item(doc.id, doc.jobId)
          .patch<ImageDoc>(operations);
        return resource ? toImage(resource) : null;
      },
      () => null,
    );
  }

  async delete(id: string): Promise<boolean> {
    const doc = await this.find(id);
    if (!doc) return false;
    return unless(
      [NOT_FOUND],
      async () => {
        await this.cosmos.images.item(doc.id, doc.jobId).delete();
        return true;
      },
      () => false,
    );
  }

  async findReferencedKeys(keys: readonly string[]): Promise<Set<string>> {
    const asked = new Set(keys);
    const referenced = new Set<string>();
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const rows = await this.cosmos.queryAll<{ blobKey: string; thumbnailKey: string }>(
        this.cosmos.images,
        sql(
          `SELECT c.blobKey, c.thumbnailKey FROM c
            WHERE ARRAY_CONTAINS(@keys, c.blobKey) OR ARRAY_CONTAINS(@keys, c.thumbnailKey)`,
          { keys: keys.slice(i, i + KEYS_PER_QUERY) },
        ),
      );
      for (const row of rows) {
        for (const key of [row.blobKey, row.thumbnailKey]) if (asked.has(key)) referenced.add(key);
      }
    }
    return referenced;
  }

  /** An image by id alone: a query across jobs (the partition key is the job). */
  private async find(id: string): Promise<ImageDoc | null> {
    const [doc] = await this.cosmos.queryAll<ImageDoc>(
      this.cosmos.images,
      sql('SELECT * FROM c WHERE c.id = @id', { id }),
    );
    return doc ?? null;
  }
}
