import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task.js';
import { BlobsConfig } from '../config/config-slices.js';
import { IMAGE_BLOB_PREFIXES } from '../storage/blobs/blob-keys.js';
import { BlobStore } from '../storage/blobs/blob-store.js';
import { sweepLocalTempFiles } from '../storage/blobs/local.blob-store.js';
import { ImagesRepository } from '../storage/records/images.repository.js';

const BATCH = 200;

/**
 * Removes image and thumbnail blobs that no record points at (what a crash between "put blob" and
 * "insert record" leaves) and the local store's abandoned temp files (what a killed write leaves).
 * Only those older than BLOB_SWEEP_GRACE_MS, so a write in flight on another replica is never
 * taken for an orphan.
 *
 * It sweeps at boot (the worker asks) and every SWEEP_INTERVAL_MS. Each replica sweeps on its own
 * clock, without a lease: a sweep only deletes what is unreferenced and old, and a delete of what
 * another replica just deleted is a no-op, so sweeps running at once do no harm.
 */
@Injectable()
export class OrphanSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OrphanSweeper.name);
  private readonly sweeps = new PeriodicTask(
    (now) => this.sweepOnce(now),
    this.logger,
    'periodic sweep failed',
  );

  constructor(
    private readonly blobs: BlobStore,
    private readonly images: ImagesRepository,
    private readonly config: BlobsConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeps.every(this.config.sweepIntervalMs);
  }

  async onModuleDestroy(): Promise<void> {
    await this.sweeps.stop();
  }

  /** Sweeps orphan blobs and temp files; returns the blob keys it deleted. Calls coalesce. */
  sweep(now = Date.now()): Promise<string[]> {
    return this.sweeps.run(now);
  }

  private async sweepOnce(now: number): Promise<string[]> {
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
    // Temp files exist only in the local store (the cloud stores' uploads are atomic).
    if (this.config.driver === 'local') {
      const temps = await sweepLocalTempFiles(this.config.localDir, new Date(cutoff));
      if (temps > 0) this.logger.log({ count: temps }, 'swept abandoned temp files');
    }
    return deleted;
  }
}
