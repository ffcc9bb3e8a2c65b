import {
  Module,
  type InjectionToken,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { CosmosApiKeysRepository } from './cosmos/cosmos.api-keys.repository.js';
import { CosmosDatabase } from './cosmos/cosmos.database.js';
import { CosmosImagesRepository } from './cosmos/cosmos.images.repository.js';
import { CosmosJobsRepository } from './cosmos/cosmos.jobs.repository.js';
import { CosmosQuotaRepository } from './cosmos/cosmos.quota.repository.js';
import { CosmosRecordStore } from './cosmos/cosmos.record-store.js';
import { CosmosSchedulesRepository } from './cosmos/cosmos.schedules.repository.js';
import { CosmosSessionsRepository } from './cosmos/cosmos.sessions.repository.js';
import { CosmosUsersRepository } from './cosmos/cosmos.users.repository.js';
import { ImagesRepository } from './images.repository.js';
import { MongoApiKeysRepository } from './mongo/mongo.api-keys.repository.js';
import { MongoDatabase } from './mongo/mongo.database.js';
import { MongoImagesRepository } from './mongo/mongo.images.repository.js';
import { MongoJobsRepository } from './mongo/mongo.jobs.repository.js';
import { MongoQuotaRepository } from './mongo/mongo.quota.repository.js';
import { MongoRecordStore } from './mongo/mongo.record-store.js';
import { MongoSchedulesRepository } from './mongo/mongo.schedules.repository.js';
import { MongoSessionsRepository } from './mongo/mongo.sessions.repository.js';
import { MongoUsersRepository } from './mongo/mongo.users.repository.js';
import { JobsRepository } from './jobs.repository.js';
import { QuotaRepository } from './quota.repository.js';
import { RecordStore } from './record-store.js';
import { SchedulesRepository } from './schedules.repository.js';
import { SessionsRepository } from './sessions.repository.js';
import { SqliteApiKeysRepository } from './sqlite/sqlite.api-keys.repository.js';
import { SqliteDatabase } from './sqlite/sqlite.database.js';
import { SqliteImagesRepository } from './sqlite/sqlite.images.repository.js';
import { SqliteJobsRepository } from './sqlite/sqlite.jobs.repository.js';
import { SqliteQuotaRepository } from './sqlite/sqlite.quota.repository.js';
import { SqliteRecordStore } from './sqlite/sqlite.record-store.js';
import { SqliteSchedulesRepository } from './sqlite/sqlite.schedules.repository.js';
import { SqliteSessionsRepository } from './sqlite/sqlite.sessions.repository.js';
import { SqliteUsersRepository } from './sqlite/sqlite.users.repository.js';
import { UsersRepository } from './users.repository.js';

const PORTS = [
  RecordStore,
  UsersRepository,
  JobsRepository,
  ImagesRepository,
  SchedulesRepository,
  SessionsRepository,
  ApiKeysRepository,
  QuotaRepository,
];
const CONNECTION = Symbol('RECORD_STORE_CONNECTION');

/** How one backend opens its connection and builds each port's adapter on it. */
interface RecordAdapters<C> {
  open(): C | Promise<C>;
  close(connection: C): void | Promise<void>;
  store(connection: C): RecordStore;
  users(connection: C): UsersRepository;
  jobs(connection: C): JobsRepository;
  images(connection: C): ImagesRepository;
  schedules(connection: C): SchedulesRepository;
  sessions(connection: C): SessionsRepository;
  apiKeys(connection: C): ApiKeysRepository;
  quota(connection: C): QuotaRepository;
}

/** Closes the backend's connection when the app shuts down (after the worker let go of it). */
class RecordStoreLifecycle implements OnApplicationShutdown {
  constructor(private readonly close: () => void | Promise<void>) {}
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

/** The one factory for the record-store ports: picks the backend named by DATABASE_DRIVER. */
function recordAdapters(config: AppConfig): RecordAdapters<unknown> {
  const { driver, sqlitePath, cosmos, mongoUri } = config.database;
  switch (driver) {
    case 'sqlite':
      return {
        open: () => new SqliteDatabase(sqlitePath),
        close: (db) => db.close(),
        store: (db) => new SqliteRecordStore(db),
        users: (db) => new SqliteUsersRepository(db),
        jobs: (db) => new SqliteJobsRepository(db),
        images: (db) => new SqliteImagesRepository(db),
        schedules: (db) => new SqliteSchedulesRepository(db),
        sessions: (db) => new SqliteSessionsRepository(db),
        apiKeys: (db) => new SqliteApiKeysRepository(db),
        quota: (db) => new SqliteQuotaRepository(db),
      } satisfies RecordAdapters<SqliteDatabase>;
    case 'cosmos':
      return {
        // Creates the database and containers when missing (config validation made `cosmos` present).
        open: async () => {
          const db = new CosmosDatabase(cosmos!);
          await db.init();
          return db;
        },
        close: (db) => db.close(),
        store: (db) => new CosmosRecordStore(db),
        users: (db) => new CosmosUsersRepository(db),
        jobs: (db) => new CosmosJobsRepository(db),
        images: (db) => new CosmosImagesRepository(db),
        schedules: (db) => new CosmosSchedulesRepository(db),
        sessions: (db) => new CosmosSessionsRepository(db),
        apiKeys: (db) => new CosmosApiKeysRepository(db),
        quota: (db) => new CosmosQuotaRepository(db),
      } satisfies RecordAdapters<CosmosDatabase>;
    case 'mongo':
      return {
        // Connects, then creates collections and indexes; a failed init closes the connection.
        open: async () => {
          const db = await MongoDatabase.connect(mongoUri!);
          try {
            await db.init();
          } catch (error) {
            await db.close();
            throw error;
          }
          return db;
        },
        close: (db) => db.close(),
        store: (db) => new MongoRecordStore(db),
        users: (db) => new MongoUsersRepository(db),
        jobs: (db) => new MongoJobsRepository(db),
        images: (db) => new MongoImagesRepository(db),
        schedules: (db) => new MongoSchedulesRepository(db),
        sessions: (db) => new MongoSessionsRepository(db),
        apiKeys: (db) => new MongoApiKeysRepository(db),
        quota: (db) => new MongoQuotaRepository(db),
      } satisfies RecordAdapters<MongoDatabase>;
  }
}

function recordStoreProviders(config: AppConfig): Provider[] {
  const a = recordAdapters(config);
  const on = (provide: InjectionToken, make: (connection: unknown) => unknown): Provider => ({
    provide,
    useFactory: make,
    inject: [CONNECTION],
  });
  return [
    { provide: CONNECTION, useFactory: () => a.open() },
    on(RecordStoreLifecycle, (connection) => new RecordStoreLifecycle(() => a.close(connection))),
    on(RecordStore, (c) => a.store(c)),
    on(UsersRepository, (c) => a.users(c)),
    on(JobsRepository, (c) => a.jobs(c)),
    on(ImagesRepository, (c) => a.images(c)),
    on(SchedulesRepository, (c) => a.schedules(c)),
    on(SessionsRepository, (c) => a.sessions(c)),
    on(ApiKeysRepository, (c) => a.apiKeys(c)),
    on(QuotaRepository, (c) => a.quota(c)),
  ];
}

@Module({})
export class RecordsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RecordsModule,
      global: true,
      providers: recordStoreProviders(config),
      exports: PORTS,
    };
  }
}
