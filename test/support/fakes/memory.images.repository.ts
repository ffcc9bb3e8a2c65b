import type { PageRequest } from '../../../src/common/cursor.js';
import { searchTokens, type ImageSearch } from '../../../src/storage/records/image-search.js';
import {
  ImagesRepository,
  type ImagePatch,
  type ImageQuery,
} from '../../../src/storage/records/images.repository.js';
import { UniqueViolationError, type ImageRecord } from '../../../src/domain/records.js';
import { copy, pageOf } from './table.js';

export class InMemoryImagesRepository extends ImagesRepository {
  private readonly rows = new Map<string, ImageRecord>();

  async insert(image: ImageRecord): Promise<ImageRecord> {
    const taken = [...this.rows.values()].some(
      (other) => other.jobId === image.jobId && other.index === image.index,
    );
    if (taken) throw new UniqueViolationError('image-job-index');
    this.rows.set(image.id, copy(image));
    return copy(image);
  }

  async findById(id: string): Promise<ImageRecord | null> {
    const image = this.rows.get(id);
    return image ? copy(image) : null;
  }

  async listByJob(jobId: string): Promise<ImageRecord[]> {
    return [...this.rows.values()]
      .filter((image) => image.jobId === jobId)
      .sort((a, b) => a.index - b.index)
      .map(copy);
  }

  async update(id: string, patch: ImagePatch): Promise<ImageRecord | null> {
    const image = this.rows.get(id);
    if (!image) return null;
    const updated: ImageRecord = {
      ...image,
      ...(patch.visibility !== undefined ? { visibility: patch.visibility } : {}),
      ...(patch.tags !== undefined ? { tags: [...patch.tags] } : {}),
    };
    this.rows.set(id, updated);
    return copy(updated);
  }

  async delete(id: string): Promise<boolean> {
    return this.rows.delete(id);
  }

  async findReferencedKeys(keys: readonly string[]): Promise<Set<string>> {
    const referenced = new Set<string>();
    for (const image of this.rows.values()) referenced.add(image.blobKey).add(image.thumbnailKey);
    return new Set(keys.filter((key) => referenced.has(key)));
  }

  protected async listMatching(query: ImageQuery, page: PageRequest): Promise<ImageRecord[]> {
    const { ownerId, visibility, provider, model, tag, from, to, search } = query;
    // An empty value filters nothing, as in the SQL adapters.
    const rows = [...this.rows.values()].filter(
      (image) =>
        (!ownerId || image.ownerId === ownerId) &&
        (!visibility || image.visibility === visibility) &&
        (!provider || image.provider === provider) &&
        (!model || image.model === model) &&
        (!tag || image.tags.includes(tag)) &&
        (!from || image.createdAt >= from) &&
        (!to || image.createdAt < to) &&
        (!search || matches(image, search)),
    );
    return pageOf(rows, page);
  }
}

/** Every word is one of the image's words; the last may also begin one. */
function matches(image: ImageRecord, { tokens }: ImageSearch): boolean {
  const words = searchTokens(image.prompt, image.tags);
  return tokens.every((token, i) =>
    i === tokens.length - 1 ? words.some((word) => word.startsWith(token)) : words.includes(token),
  );
}
