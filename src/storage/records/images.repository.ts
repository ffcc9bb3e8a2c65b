import type { PageRequest } from '../../common/cursor.js';
import type { ImageRecord, Visibility } from './records.js';

export interface ImageFilter {
  /** Only images of this owner (history). */
  readonly ownerId?: string;
  /** Only images with this visibility (the public gallery passes `public`). */
  readonly visibility?: Visibility;
  /** Full-text search over the prompt (every word must match; the last may be a prefix). */
  readonly q?: string;
  readonly provider?: string;
  readonly model?: string;
  readonly tag?: string;
  /** Inclusive lower bound on createdAt (ISO). */
  readonly from?: string;
  /** Exclusive upper bound on createdAt (ISO). */
  readonly to?: string;
}

export interface ImagePatch {
  readonly visibility?: Visibility;
  readonly tags?: readonly string[];
}

export abstract class ImagesRepository {
  /** Throws `UniqueViolationError('image-job-index')` when the job already has that image. */
  abstract insert(image: ImageRecord): Promise<ImageRecord>;
  abstract findById(id: string): Promise<ImageRecord | null>;
  /** Newest first, keyset after `page.after`, at most `page.limit` rows. */
  abstract list(filter: ImageFilter, page: PageRequest): Promise<ImageRecord[]>;
  abstract listByJob(jobId: string): Promise<ImageRecord[]>;
  abstract update(id: string, patch: ImagePatch): Promise<ImageRecord | null>;
  /** Returns whether a record was deleted. */
  abstract delete(id: string): Promise<boolean>;
  /** Of `keys` (image or thumbnail blob keys), those some record points at. */
  abstract findReferencedKeys(keys: readonly string[]): Promise<Set<string>>;
}
