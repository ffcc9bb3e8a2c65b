/**
 * The record-store contract on MongoDB (or Cosmos DB's MongoDB API). No MongoDB can run on our
 * machines (no server package; the npm helpers download binaries), so it runs only where
 * MONGODB_URI points at one, each test in a fresh database that its close() drops.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { newId } from '../../src/common/ids.js';
import { MongoApiKeysRepository } from '../../src/storage/records/mongo/mongo.api-keys.repository.js';
import { MongoDatabase } from '../../src/storage/records/mongo/mongo.database.js';
import { MongoImagesRepository } from '../../src/storage/records/mongo/mongo.images.repository.js';
import { MongoJobsRepository } from '../../src/storage/records/mongo/mongo.jobs.repository.js';
import { MongoQuotaRepository } from '../../src/storage/records/mongo/mongo.quota.repository.js';
import { MongoRecordStore } from '../../src/storage/records/mongo/mongo.record-store.js';
import { MongoSchedulesRepository } from '../../src/storage/records/mongo/mongo.schedules.repository.js';
import { MongoSessionsRepository } from '../../src/storage/records/mongo/mongo.sessions.repository.js';
import { MongoUsersRepository } from '../../src/storage/records/mongo/mongo.users.repository.js';
import { makeImage, makeJob, makeUser } from '../fixtures/records.js';
import { describeRecordStoreContract, type RecordStoreFixture } from './records.contract.js';

const uri = process.env.MONGODB_URI;

if (!uri) {
  describe('record store contract: mongo', () => {
    // Skipped on purpose, with the reason as its name: MongoDB cannot be installed on our machines
    // (no Debian server; npm helpers download binaries). It runs wherever MONGODB_URI is set.
    it.skip('skipped: MONGODB_URI is not set (no MongoDB can run on these machines; set MONGODB_URI to run this contract against a real MongoDB or Cosmos DB for MongoDB)', () => {});
  });
} else {
  const mongoUri = uri;
  const fixtureOn = (
    dbName: string,
    mongo: MongoDatabase,
    close: () => Promise<void>,
  ): RecordStoreFixture => ({
    users: new MongoUsersRepository(mongo),
    jobs: new MongoJobsRepository(mongo),
    images: new MongoImagesRepository(mongo),
    schedules: new MongoSchedulesRepository(mongo),
    sessions: new MongoSessionsRepository(mongo),
    apiKeys: new MongoApiKeysRepository(mongo),
    quota: new MongoQuotaRepository(mongo),
    store: new MongoRecordStore(mongo),
    // A second replica is a second connection to the same database; the first one drops it.
    replica: async () => {
      const other = await openDb(dbName);
      return fixtureOn(dbName, other, () => other.close());
    },
    close,
  });

  const newDbName = () => `image-forge-test-${randomBytes(8).toString('hex')}`;

  /** A connection to `dbName`, its indexes in place, as a replica opens it at boot. */
  async function openDb(dbName: string): Promise<MongoDatabase> {
    const mongo = await MongoDatabase.connect(mongoUri, { dbName });
    try {
      await mongo.init();
    } catch (error) {
      await mongo.close();
      throw error;
    }
    return mongo;
  }

  async function dropAndClose(mongo: MongoDatabase): Promise<void> {
    try {
      await mongo.connection.dropDatabase();
    } finally {
      await mongo.close();
    }
  }

  describeRecordStoreContract('mongo', async () => {
    const dbName = newDbName();
    const mongo = await openDb(dbName);
    return fixtureOn(dbName, mongo, () => dropAndClose(mongo));
  });

  describe('mongo record store', () => {
    let dbName: string;
    let opened: MongoDatabase[];
    const open = async () => {
      const mongo = await openDb(dbName);
      opened.push(mongo);
      return fixtureOn(dbName, mongo, () => mongo.close());
    };

    beforeEach(() => {
      dbName = newDbName();
      opened = [];
    });

    afterEach(async () => {
      const [first, ...rest] = opened;
      for (const mongo of rest) await mongo.close();
      if (first) await dropAndClose(first);
    });

    it('a second boot on the same database keeps the data and the uniqueness rules', async () => {
      const first = await open();
      const user = makeUser({ email: 'ada@example.com' });
      const job = makeJob({ idempotencyKey: 'k' });
      const image = makeImage({ prompt: 'a lighthouse at dusk', tags: ['coast'] });
      await first.users.create(user);
      await first.jobs.create(job);
      await first.images.insert(image);

      const second = await open();

      await expect(second.store.ping()).resolves.toBeUndefined();
      await expect(second.users.findByEmail('ADA@example.com')).resolves.toEqual(user);
      await expect(second.jobs.create({ ...job, id: newId() })).resolves.toEqual({
        job,
        created: false,
      });
      await expect(second.images.list({ q: 'lighth' }, { limit: 10 })).resolves.toEqual([image]);
      await expect(second.images.list({ q: 'coast' }, { limit: 10 })).resolves.toEqual([image]);
    });

    it('builds the indexes the queries need', async () => {
      await open();
      const [mongo] = opened;
      const names = async (collection: string) =>
        (await mongo.connection.db!.collection(collection).indexes()).map((index) => index.name);

      await expect(names('jobs')).resolves.toEqual(
        expect.arrayContaining([
          'jobs_owner_newest',
          'jobs_queue',
          'jobs_running_heartbeat',
          'jobs_idempotency',
          'jobs_schedule_slot',
          'jobs_schedule_newest',
        ]),
      );
      await expect(names('images')).resolves.toEqual(
        expect.arrayContaining(['images_visibility_newest', 'images_search_tokens']),
      );
      await expect(names('users')).resolves.toEqual(
        expect.arrayContaining(['users_email', 'users_newest']),
      );
      await expect(names('sessions')).resolves.toEqual(
        expect.arrayContaining(['sessions_token_hash', 'sessions_family', 'sessions_user']),
      );
      await expect(names('apiKeys')).resolves.toEqual(
        expect.arrayContaining(['api_keys_user_newest']),
      );
    });
  });
}
