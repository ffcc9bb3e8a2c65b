import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageUnavailableError } from '../../common/errors.js';
import type { ByteRange } from '../../common/http-range.js';
import { InvalidBlobKeyError } from './blob-keys.js';
import { BlobStore, type BlobInfo, type BlobRead, type BlobWriteOptions } from './blob-store.js';

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.json': 'application/json',
};
const TEMP_DIR = '.tmp';

/** Blobs as files under one root folder. Writes go to a temp file, then an atomic rename. */
export class LocalBlobStore extends BlobStore {
  private readonly root: string;

  constructor(root: string) {
    super();
    this.root = resolve(root);
  }

  async put(key: string, body: Buffer | Readable, _options: BlobWriteOptions): Promise<BlobInfo> {
    const path = this.pathOf(key);
    const temp = join(this.root, TEMP_DIR, randomUUID());
    try {
      await mkdir(dirname(temp), { recursive: true });
      if (Buffer.isBuffer(body)) await writeFile(temp, body);
      else await pipeline(body, createWriteStream(temp));
      await mkdir(dirname(path), { recursive: true });
      await rename(temp, path);
    } catch (error) {
      // Best effort: on a broken root the clean-up fails too, and must not hide why.
      await rm(temp, { force: true }).catch(() => undefined);
      throw translateFsError(error);
    }
    return (await this.stat(key)) as BlobInfo;
  }

  async get(key: string, range?: ByteRange): Promise<BlobRead | null> {
    const info = await this.stat(key);
    if (!info) return null;
    if (range && (range.start < 0 || range.end < range.start || range.end >= info.size)) {
      throw new RangeError(
        `Range ${range.start}-${range.end} is outside ${key} (${info.size} bytes)`,
      );
    }
    const stream = createReadStream(
      this.pathOf(key),
      range ? { start: range.start, end: range.end } : {},
    );
    return { stream, size: info.size, contentType: info.contentType };
  }

  /** One `readFile`: no `stat` first, no stream. */
  override async read(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      // A directory where the file should be: no blob, as `stat` says.
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'EISDIR') return null;
      throw translateFsError(error);
    }
  }

  async stat(key: string): Promise<BlobInfo | null> {
    try {
      const stats = await stat(this.pathOf(key));
      if (!stats.isFile()) return null;
      return { key, size: stats.size, contentType: contentTypeOf(key), lastModified: stats.mtime };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(key));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw translateFsError(error);
    }
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    for await (const path of walk(this.root)) {
      const key = relative(this.root, path).split(sep).join('/');
      if (key.startsWith(`${TEMP_DIR}/`) || !key.startsWith(prefix)) continue;
      const info = await this.stat(key);
      if (info) yield info;
    }
  }

  async ping(): Promise<void> {
    const probe = join(this.root, TEMP_DIR, `health-${randomUUID()}`);
    try {
      // Each step is a trip through libuv's pool and back through the event loop, both busy under
      // load: the folder is made only when missing (a fresh root), not on every probe.
      await writeFile(probe, 'ok').catch(async (error: unknown) => {
        if (!isMissing(error)) throw error;
        await mkdir(dirname(probe), { recursive: true });
        await writeFile(probe, 'ok');
      });
      await unlink(probe);
    } catch (error) {
      throw translateFsError(error);
    }
  }

  /**
   * The file for `key`, proven to lie under the root: a second guard behind `ValidatedBlobStore`,
   * which already refuses every key that could leave it.
   */
  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new InvalidBlobKeyError(key);
    return path;
  }
}

/**
 * Removes the temp files under a local store's `root` last modified before `olderThan`: what a
 * write killed between its first byte and its rename leaves (a live write touches its file as it
 * goes). Returns how many it removed.
 */
export async function sweepLocalTempFiles(root: string, olderThan: Date): Promise<number> {
  let removed = 0;
  for await (const path of walk(join(resolve(root), TEMP_DIR))) {
    try {
      if ((await stat(path)).mtime >= olderThan) continue;
      await unlink(path);
      removed++;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
  return removed;
}

async function* walk(dir: string): AsyncIterable<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

function contentTypeOf(key: string): string {
  return CONTENT_TYPES[extname(key).toLowerCase()] ?? 'application/octet-stream';
}

/** File-system codes that say the store cannot take writes now, with what a 503 says about them. */
const UNAVAILABLE: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'its folder is not writable',
  EPERM: 'its folder is not writable',
  EIO: 'the disk failed to read or write',
  // A file where the store expects a folder (its root, or a part of a key's path).
  ENOTDIR: 'its folder is not usable',
  EEXIST: 'its folder is not usable',
};

/** `error` as a `StorageUnavailableError` (no path in its message) when its code is above. */
function translateFsError(error: unknown): unknown {
  const reason = UNAVAILABLE[String((error as NodeJS.ErrnoException | null)?.code)];
  return reason ? new StorageUnavailableError('blobStore', reason, { cause: error }) : error;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
