import {
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { ImagesRepository } from './images.repository.js';
import { JobsRepository } from './jobs.repository.js';
import { RecordStore } from './record-store.js';
import { SchedulesRepository } from './schedules.repository.js';
import { SqliteDatabase } from './sqlite/sqlite.database.js';
import { SqliteImagesRepository } from './sqlite/sqlite.images.repository.js';
import { SqliteJobsRepository } from './sqlite/sqlite.jobs.repository.js';
import { SqliteRecordStore } from './sqlite/sqlite.record-store.js';
import { SqliteSchedulesRepository } from './sqlite/sqlite.schedules.repository.js';
import { SqliteUsersRepository } from './sqlite/sqlite.users.repository.js';
import { UsersRepository } from './users.repository.js';

const PORTS = [RecordStore, UsersRepository, JobsRepository, ImagesRepository, SchedulesRepository];

/** Closes the SQLite connection when the app shuts down. */
class SqliteLifecycle implements OnApplicationShutdown {
  constructor(private readonly sqlite: SqliteDatabase) {}
  onApplicationShutdown(): void {
    this.sqlite.close();
  }
}

/** The one factory for the record-store ports: picks the adapter named by DATABASE_DRIVER. */
function recordStoreProviders(config: AppConfig): Provider[] {
  switch (config.database.driver) {
    case 'sqlite': {
      const withDb = <T>(
        provide: abstract new (...args: never[]) => T,
        make: (db: SqliteDatabase) => T,
      ): Provider => ({
        provide,
        useFactory: make,
        inject: [SqliteDatabase],
      });
      return [
        {
          provide: SqliteDatabase,
          useFactory: () => new SqliteDatabase(config.database.sqlitePath),
        },
        withDb(SqliteLifecycle, (db) => new SqliteLifecycle(db)),
        withDb(RecordStore, (db) => new SqliteRecordStore(db)),
        withDb(UsersRepository, (db) => new SqliteUsersRepository(db)),
        withDb(JobsRepository, (db) => new SqliteJobsRepository(db)),
        withDb(ImagesRepository, (db) => new SqliteImagesRepository(db)),
        withDb(SchedulesRepository, (db) => new SqliteSchedulesRepository(db)),
      ];
    }
    default:
      throw new Error(`No adapter for ${config.database.driver} yet`);
  }
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
