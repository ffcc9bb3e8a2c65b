import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';

import { CosmosApiKeysRepository } from '../../src/storage/records/cosmos/cosmos.api-keys.repository.js';
import { CosmosDatabase } from '../../src/storage/records/cosmos/cosmos.database.js';
import { CosmosImagesRepository } from '../../src/storage/records/cosmos/cosmos.images.repository.js';
import { CosmosJobsRepository } from '../../src/storage/records/cosmos/cosmos.jobs.repository.js';
import { CosmosQuotaRepository } from '../../src/storage/records/cosmos/cosmos.quota.repository.js';
import { CosmosRecordStore } from '../../src/storage/records/cosmos/cosmos.record-store.js';
import { CosmosSchedulesRepository } from '../../src/storage/records/cosmos/cosmos.schedules.repository.js';
import { CosmosSessionsRepository } from '../../src/storage/records/cosmos/cosmos.sessions.repository.js';
import { CosmosUsersRepository } from '../../src/storage/records/cosmos/cosmos.users.repository.js';
import { newId } from '../../src/common/ids.js';
import { UniqueViolationError } from '../../src/domain/records.js';
import { at, makeImage, makeJob, makeUser } from '../fixtures/records.js';
import { startCosmosEmulator, type CosmosEmulator } from '../support/cosmos.js';
import { describeRecordStoreContract, type RecordStoreFixture } from './records.contract.js';

let emulator: CosmosEmulator;
let databases = 0;

beforeAll(async () => {
  emulator = await startCosmosEmulator();
});

afterAll(async () => {
  await emulator?.stop();
});

interface CosmosFixture extends RecordStoreFixture {
  readonly cosmos: CosmosDatabase;
}

/** A replica: its own client on `database`, containers created where missing. */
async function connect(database: string): Promise<CosmosFixture> {
  const cosmos = new CosmosDatabase({
    endpoint: emulator.endpoint,
    key: emulator.key,
    database,
    readTimeoutMs: emulator.readTimeoutMs,
    agent: emulator.agent,
  });
  await cosmos.init();
  return {
    cosmos,
    users: new CosmosUsersRepository(cosmos),
    jobs: new CosmosJobsRepository(cosmos),
    images: new CosmosImagesRepository(cosmos),
    schedules: new CosmosSchedulesRepository(cosmos),
    sessions: new CosmosSessionsRepository(cosmos),
    apiKeys: new CosmosApiKeysRepository(cosmos),
    quota: new CosmosQuotaRepository(cosmos),
    store: new CosmosRecordStore(cosmos),
    replica: () => connect(database),
    close: async () => cosmos.close(),
  };
}

const newDatabase = () => `records-${++databases}`;

/** A fresh database per test, dropped afterwards so the in-memory emulator stays small. */
async function open(): Promise<RecordStoreFixture> {
  const fixture = await connect(newDatabase());
  return {
    ...fixture,
    close: async () => {
      await fixture.cosmos.database.delete();
      await fixture.close();
    },
  };
}

describeRecordStoreContract('cosmos', open);

describe('cosmos record store', () => {
  let opened: CosmosFixture[];
  const replicas = async (count: number): Promise<CosmosFixture[]> => {
    const database = newDatabase();
    const fixtures: CosmosFixture[] = [];
    for (let i = 0; i < count; i++) fixtures.push(await connect(database));
    opened.push(...fixtures);
    return fixtures;
  };

  beforeEach(() => {
    opened = [];
  });

  afterEach(async () => {
    await opened[0]?.cosmos.database.delete();
    for (const fixture of opened) await fixture.close();
  });

  it('a second replica booting on the same database keeps the data and sees the first one’s writes', async () => {
    const [a] = await replicas(1);
    const user = makeUser({ email: 'ada@example.com' });
    const job = makeJob({ idempotencyKey: 'k' });
    const image = makeImage({ prompt: 'a lighthouse at dusk', tags: ['coast'] });
    await a.users.create(user);
    await a.jobs.create(job);
    await a.images.insert(image);

    const b = await connect(a.cosmos.database.id);
    opened.push(b);

    await expect(b.store.ping()).resolves.toBeUndefined();
    await expect(b.users.findByEmail('ADA@example.com')).resolves.toEqual(user);
    await expect(b.jobs.create({ ...job, id: newId() })).resolves.toEqual({ job, created: false });
    await expect(b.images.list({ q: 'lighth' }, { limit: 10 })).resolves.toEqual([image]);
    await expect(b.images.list({ q: 'coast' }, { limit: 10 })).resolves.toEqual([image]);
  });

  it('replicas booting together on a new database all start', async () => {
    const database = newDatabase();
    const booted = await Promise.all([connect(database), connect(database), connect(database)]);
    opened.push(...booted);

    const user = makeUser();
    await booted[0].users.create(user);
    await expect(booted[2].users.findById(user.id)).resolves.toEqual(user);
  });

  it('refuses to start on a container partitioned differently, naming it', async () => {
    const [a] = await replicas(1);
    await a.cosmos.jobs.delete();
    await a.cosmos.database.containers.create({
      id: 'jobs',
      partitionKey: { paths: ['/ownerId'] },
    });

    await expect(a.cosmos.init()).rejects.toThrow(/jobs is partitioned by \/ownerId, not \/id/);
  });

  it('gives a container made by an earlier version the indexes its queries now need', async () => {
    const [a] = await replicas(1);
    await a.cosmos.users.delete();
    // As the first version made it: point reads only, nothing indexed.
    await a.cosmos.database.containers.create({
      id: 'users',
      partitionKey: { paths: ['/id'] },
      indexingPolicy: {
        indexingMode: 'consistent',
        includedPaths: [],
        excludedPaths: [{ path: '/*' }],
      },
    });

    await a.cosmos.init();

    const { resource } = await a.cosmos.users.read();
    expect(resource?.indexingPolicy?.compositeIndexes).toEqual([
      [
        { path: '/createdAt', order: 'descending' },
        { path: '/id', order: 'descending' },
      ],
    ]);
    // (Cosmos keeps a container's items when its indexing policy changes; the emulator does not,
    // so the user is written after.)
    const user = await a.users.create(makeUser({ email: 'ada@example.com' }));
    await expect(a.users.list({ email: 'ada' }, { limit: 10 })).resolves.toEqual([user]);
  });

  it('ping rejects when the database is gone', async () => {
    const [a] = await replicas(1);
    await a.cosmos.database.delete();

    await expect(a.store.ping()).rejects.toThrow();
    await a.cosmos.init();
  });

  describe('a create interrupted after its unique key was claimed (crash before the record)', () => {
    it('a job is finished by the next lookup or create with the same key, once', async () => {
      const [a, b] = await replicas(2);
      const keyed = makeJob({ idempotencyKey: 'k', createdAt: at(1) });
      const scheduled = makeJob({ scheduleId: newId(), slot: at(60), createdAt: at(2) });
      for (const job of [keyed, scheduled]) {
        await a.jobs.create(job);
        // The crash: the claim was written, the job document never was.
        await a.cosmos.jobs.item(job.id, job.id).delete();
      }

      await expect(b.jobs.findByIdempotencyKey(keyed.ownerId, 'k')).resolves.toEqual(keyed);
      await expect(b.jobs.findById(keyed.id)).resolves.toEqual(keyed);
      const rivals = await Promise.all(
        [a, b].map((replica) => replica.jobs.create({ ...scheduled, id: newId() })),
      );
      expect(rivals).toEqual([
        { job: scheduled, created: false },
        { job: scheduled, created: false },
      ]);
      await expect(b.jobs.claimNext('w', at(100))).resolves.toMatchObject({ id: keyed.id });
      await expect(b.jobs.claimNext('w', at(100))).resolves.toMatchObject({ id: scheduled.id });
      await expect(b.jobs.claimNext('w', at(100))).resolves.toBeNull();
    });

    it('a user can log in, and the e-mail stays taken', async () => {
      const [a, b] = await replicas(2);
      const user = makeUser({ email: 'ada@example.com' });
      await a.users.create(user);
      await a.cosmos.users.item(user.id, user.id).delete();

      await expect(b.users.findByEmail('ada@example.com')).resolves.toEqual(user);
      await expect(b.users.findById(user.id)).resolves.toEqual(user);
      await expect(b.users.create(makeUser({ email: 'ADA@example.com' }))).rejects.toBeInstanceOf(
        UniqueViolationError,
      );
    });
  });

  it('a job with both an idempotency key and a slot loses to whichever job holds either', async () => {
    const [a] = await replicas(1);
    const scheduleId = newId();
    const bySlot = makeJob({ scheduleId, slot: at(60), createdAt: at(1) });
    const byKey = makeJob({ idempotencyKey: 'k', createdAt: at(2) });
    await a.jobs.create(bySlot);
    await a.jobs.create(byKey);

    const both = makeJob({ ownerId: byKey.ownerId, idempotencyKey: 'k', scheduleId, slot: at(60) });
    await expect(a.jobs.create(both)).resolves.toEqual({ job: byKey, created: false });
    const slotOnly = makeJob({
      ownerId: byKey.ownerId,
      idempotencyKey: 'k2',
      scheduleId,
      slot: at(60),
    });
    await expect(a.jobs.create(slotOnly)).resolves.toEqual({ job: bySlot, created: false });
    // The losing create left no claim behind: its idempotency key is free.
    const fresh = makeJob({ ownerId: byKey.ownerId, idempotencyKey: 'k2' });
    await expect(a.jobs.create(fresh)).resolves.toEqual({ job: fresh, created: true });
  });
});
