import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { BlobsConfig } from '../config/config-slices.js';
import { DiskSpace } from './disk-space.js';

const dir = mkdtempSync(join(tmpdir(), 'disk-space-'));

function diskSpace(localDir: string, minFreeDiskBytes: number): DiskSpace {
  return new DiskSpace({ minFreeDiskBytes }, { driver: 'local', localDir } as BlobsConfig, {
    driver: 'sqlite',
    sqlitePath: ':memory:',
  });
}

describe('DiskSpace', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures the disk a store folder not made yet will be made on', async () => {
    const fresh = join(dir, 'not', 'made', 'yet');
    await expect(diskSpace(fresh, 1).check('blobStore')).resolves.toBeUndefined();
    await expect(diskSpace(fresh, Number.MAX_SAFE_INTEGER).check('blobStore')).rejects.toThrow(
      /below MIN_FREE_DISK_BYTES/,
    );
  });

  it('still fails on a folder that cannot be made', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    await expect(diskSpace(join(dir, 'a-file', 'blobs'), 1).check('blobStore')).rejects.toThrow(
      /ENOTDIR/,
    );
  });
});
