import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { makeUser } from '../../test/fixtures/records.js';
import { InvalidBlobKeyError } from '../storage/blobs/blob-keys.js';
import { BlobStore } from '../storage/blobs/blob-store.js';
import { LocalBlobStore } from '../storage/blobs/local.blob-store.js';
import { ValidatedBlobStore } from '../storage/blobs/validated-blob-store.js';
import { RecordStore } from '../storage/records/record-store.js';
import { SqliteDatabase } from '../storage/records/sqlite/sqlite.database.js';
import { SqliteRecordStore } from '../storage/records/sqlite/sqlite.record-store.js';
import { SqliteUsersRepository } from '../storage/records/sqlite/sqlite.users.repository.js';
import { UsersRepository } from '../storage/records/users.repository.js';
import { meteredBlobStore } from './metered-blob-store.js';
import { meteredRecordPort } from './metered-record-port.js';
import { Metrics } from './metrics.js';

/** The count of `histogram`'s series with exactly `labels`. */
async function countOf(
  metrics: Metrics,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  // Histogram values carry the sample's name (`_bucket`, `_sum`, `_count`); the type omits it.
  const values = (metric?.values ?? []) as { metricName?: string; labels: object; value: number }[];
  const sample = values.find(
    (value) =>
      value.metricName === `${name}_count` &&
      Object.keys(labels).length === Object.keys(value.labels).length &&
      Object.entries(labels).every(
        ([key, v]) => (value.labels as Record<string, unknown>)[key] === v,
      ),
  );
  return sample?.value ?? 0;
}

describe('metered stores, on the real local blob store and SQLite', () => {
  let dir: string;
  let metrics: Metrics;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'metered-'));
    metrics = new Metrics();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('times every blob operation by name and outcome, and keeps the port behaviour', async () => {
    const store = meteredBlobStore(
      new ValidatedBlobStore(new LocalBlobStore(join(dir, 'blobs'))),
      metrics,
    );
    expect(store).toBeInstanceOf(BlobStore);
    const key = 'images/2026/11/0193a3b4-0000-7000-8000-000000000001.png';
    await store.put(key, Buffer.from('png bytes'), { contentType: 'image/png' });
    expect((await store.stat(key))?.size).toBe(9);
    const read = await store.get(key);
    read?.stream.resume();
    expect(await store.exists(key)).toBe(true);
    await store.ping();
    expect(await store.delete(key)).toBe(true);
    await expect(store.put('../escape', Buffer.from('x'), { contentType: 'a/b' })).rejects.toThrow(
      InvalidBlobKeyError,
    );

    const blob = 'image_forge_blob_store_operation_duration_seconds';
    for (const operation of ['put', 'stat', 'get', 'exists', 'ping', 'delete']) {
      expect(await countOf(metrics, blob, { operation, outcome: 'ok' })).toBe(1);
    }
    expect(await countOf(metrics, blob, { operation: 'put', outcome: 'error' })).toBe(1);
  });

  it('times record-store calls by port and method, and passes results and errors through', async () => {
    const db = new SqliteDatabase(join(dir, 'records.db'));
    try {
      const users = meteredRecordPort<UsersRepository>(
        new SqliteUsersRepository(db),
        'UsersRepository',
        metrics,
      );
      const store = meteredRecordPort<RecordStore>(
        new SqliteRecordStore(db),
        'RecordStore',
        metrics,
      );
      expect(users).toBeInstanceOf(UsersRepository);
      const user = await users.create(makeUser());
      expect(await users.findById(user.id)).toMatchObject({ id: user.id, email: user.email });
      await expect(users.create({ ...makeUser(), email: user.email })).rejects.toThrow();
      await store.ping();

      const ops = 'image_forge_record_store_operation_duration_seconds';
      const labels = (repository: string, operation: string, outcome: string) => ({
        repository,
        operation,
        outcome,
      });
      expect(await countOf(metrics, ops, labels('UsersRepository', 'create', 'ok'))).toBe(1);
      expect(await countOf(metrics, ops, labels('UsersRepository', 'create', 'error'))).toBe(1);
      expect(await countOf(metrics, ops, labels('UsersRepository', 'findById', 'ok'))).toBe(1);
      expect(await countOf(metrics, ops, labels('RecordStore', 'ping', 'ok'))).toBe(1);
      // `create` calls the adapter's own `insert` on the adapter itself: counted once, as create.
      expect(await countOf(metrics, ops, labels('UsersRepository', 'insert', 'ok'))).toBe(0);
    } finally {
      db.close();
    }
  });

  it('leaves the ports as they are when metrics are off', () => {
    const local = new LocalBlobStore(join(dir, 'blobs'));
    expect(meteredBlobStore(local, undefined)).toBe(local);
    const db = new SqliteDatabase(join(dir, 'records.db'));
    try {
      const store = new SqliteRecordStore(db);
      expect(meteredRecordPort(store, 'RecordStore', undefined)).toBe(store);
    } finally {
      db.close();
    }
  });
});
