import type { StatsFs } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { StoreName } from '../common/errors.js';
import { BlobsConfig, DatabaseConfig, HealthConfig } from '../config/config-slices.js';

/**
 * Free space on the disks this replica writes to (the local blob store, the SQLite file), against
 * MIN_FREE_DISK_BYTES: a write probe passes on a disk with a few bytes left, which the next image
 * does not fit in.
 */
@Injectable()
export class DiskSpace {
  constructor(
    private readonly health: HealthConfig,
    private readonly blobs: BlobsConfig,
    private readonly database: DatabaseConfig,
  ) {}

  /** Throws, saying how much is free, when `store`'s disk is below the threshold. */
  async check(store: StoreName): Promise<void> {
    const min = this.health.minFreeDiskBytes;
    const dir = this.dirOf(store);
    if (min === 0 || dir === undefined) return;
    const stats = await statfsNearest(dir);
    const free = stats.bavail * stats.bsize;
    if (free < min) {
      throw new Error(
        `free disk space ${megabytes(free)} is below MIN_FREE_DISK_BYTES (${megabytes(min)})`,
      );
    }
  }

  /** The folder whose disk `store` writes to, when it writes to this machine's disk. */
  private dirOf(store: StoreName): string | undefined {
    if (store === 'blobStore')
      return this.blobs.driver === 'local' ? this.blobs.localDir : undefined;
    const { driver, sqlitePath } = this.database;
    return driver === 'sqlite' && sqlitePath !== ':memory:' ? dirname(sqlitePath) : undefined;
  }
}

/**
 * `statfs` of `dir`, or of its nearest existing parent while `dir` is not made yet (a fresh data
 * folder, whose store makes it on its first write): the disk it will be made on.
 */
async function statfsNearest(dir: string): Promise<StatsFs> {
  try {
    return await statfs(dir);
  } catch (error) {
    const parent = dirname(dir);
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) throw error;
    return statfsNearest(parent);
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
