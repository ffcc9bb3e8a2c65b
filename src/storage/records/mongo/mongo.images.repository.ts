import type { PageRequest } from '../../../common/cursor.js';
import { ImagesRepository, type ImagePatch, type ImageQuery } from '../images.repository.js';
import { UniqueViolationError, type ImageRecord } from '../../../domain/records.js';
import type { MongoDatabase } from './mongo.database.js';
import { fromImageDoc, toImageDoc, type ImageDoc } from './mongo.documents.js';
import {
  imageListFilter,
  imagePatchUpdate,
  mayViolate,
  referencedKeysFilter,
} from './mongo.queries.js';
import { newestFirstPage } from './mongo.reads.js';

type StoredImage = Omit<ImageDoc, 'searchTokens'>;

/** Search tokens are internal: never read back. */
const READ = { searchTokens: 0 } as const;

export class MongoImagesRepository extends ImagesRepository {
  constructor(private readonly mongo: MongoDatabase) {
    super();
  }

  async insert(image: ImageRecord): Promise<ImageRecord> {
    try {
      await this.mongo.images.insertOne(toImageDoc(image));
    } catch (error) {
      if (
        mayViolate(error, ['jobId', 'index']) &&
        (await this.mongo.images.exists({
          jobId: { $eq: image.jobId },
          index: { $eq: image.index },
        }))
      ) {
        throw new UniqueViolationError('image-job-index');
      }
      throw error;
    }
    return image;
  }

  async findById(id: string): Promise<ImageRecord | null> {
    const doc = await this.mongo.images.findById(id, READ).lean<StoredImage>().exec();
    return doc ? fromImageDoc(doc) : null;
  }

  protected async listMatching(query: ImageQuery, page: PageRequest): Promise<ImageRecord[]> {
    const where = imageListFilter(query, page.after);
    return newestFirstPage(this.mongo.images, where, page.limit, fromImageDoc, READ);
  }

  async listByJob(jobId: string): Promise<ImageRecord[]> {
    const docs = await this.mongo.images
      .find({ jobId: { $eq: jobId } }, READ)
      .sort({ index: 1 })
      .lean<StoredImage[]>()
      .exec();
    return docs.map(fromImageDoc);
  }

  async update(id: string, patch: ImagePatch): Promise<ImageRecord | null> {
    // New tags need the prompt for the new search tokens; the prompt never changes, so reading it
    // first cannot race with another update.
    let prompt = '';
    if (patch.tags !== undefined) {
      const current = await this.mongo.images
        .findById(id, { prompt: 1 })
        .lean<Pick<ImageDoc, 'prompt'>>()
        .exec();
      if (!current) return null;
      prompt = current.prompt;
    }
    const update = imagePatchUpdate(patch, prompt);
    if (update === null) return this.findById(id);
    const doc = await this.mongo.images
      .findOneAndUpdate({ _id: { $eq: id } }, update, { returnDocument: 'after', projection: READ })
      .lean<StoredImage>()
      .exec();
    return doc ? fromImageDoc(doc) : null;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.mongo.images.deleteOne({ _id: { $eq: id } }).exec();
    return result.deletedCount > 0;
  }

  async findReferencedKeys(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const wanted = new Set(keys);
    const docs = await this.mongo.images
      .find(referencedKeysFilter(keys), { _id: 0, blobKey: 1, thumbnailKey: 1 })
      .lean<Pick<ImageDoc, 'blobKey' | 'thumbnailKey'>[]>()
      .exec();
    return new Set(
      docs.flatMap((doc) => [doc.blobKey, doc.thumbnailKey]).filter((key) => wanted.has(key)),
    );
  }
}
