import { Injectable, Logger } from '@nestjs/common';
import { BlobsConfig } from '../config/config-slices.js';
import { IMAGE_BLOB_PREFIXES } from '../storage/blobs/blob-keys.js';
import { BlobStore } from '../storage/blobs/blob-store.js';
import { ImagesRepository } from '../storage/records/images.repository.js';

const BATCH = 200;

/**
 * Removes image and thumbnail blobs that no record points at: what a crash between "put blob" and
 * "insert record" leaves. Only blobs older than BLOB_SWEEP_GRACE_MS, so a write in flight on
 * another replica is never taken for an orphan.
 */
@Injectable()
export class OrphanSweeper {
  private readonly logger = new Logger(OrphanSweeper.name);

  constructor(
    private readonly blobs: BlobStore,
    private readonly images: ImagesRepository,
    private readonly config: BlobsConfig,
  ) {}

  /** Returns the keys it deleted. */
  async sweep(now = Date.now()): Promise<string[]> {
    const cutoff = now - this.config.sweepGraceMs;
    const deleted: string[] = [];
    for (const prefix of IMAGE_BLOB_PREFIXES) {
      let batch: string[] = [];
      const flush = async () => {
        const referenced = await this.images.findReferencedKeys(batch);
        for (const key of batch.filter((k) => !referenced.has(k))) {
          if (await this.blobs.delete(key)) deleted.push(key);
        }
        batch = [];
      };
      for await (const blob of this.blobs.list(prefix)) {
        if (blob.lastModified.getTime() > cutoff) continue;
        batch.push(blob.key);
        if (batch.length >= BATCH) await flush();
      }
      if (batch.length > 0) await flush();
    }
    if (deleted.length > 0) this.logger.log({ count: deleted.length }, 'swept orphan blobs');
    return deleted;
  }
}
