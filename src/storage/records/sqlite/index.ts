import type { AppConfig } from '../../../config/app-config.js';
import { SqliteDatabase } from './sqlite.database.js';

/**
 * The embedded backend: one SQLite file (or `:memory:`). See `RecordBackend`. On a file that had
 * images before the prefix search index, it is built in the background (`SearchIndexBuild`).
 */
export async function open({ sqlitePath }: AppConfig['database']): Promise<SqliteDatabase> {
  const db = new SqliteDatabase(sqlitePath);
  void db.searchIndex.start();
  return db;
}

export async function close(db: SqliteDatabase): Promise<void> {
  db.close();
}

export { SqliteRecordStore as RecordStore } from './sqlite.record-store.js';
export { SqliteUsersRepository as UsersRepository } from './sqlite.users.repository.js';
export { SqliteJobsRepository as JobsRepository } from './sqlite.jobs.repository.js';
export { SqliteImagesRepository as ImagesRepository } from './sqlite.images.repository.js';
export { SqliteSchedulesRepository as SchedulesRepository } from './sqlite.schedules.repository.js';
export { SqliteSessionsRepository as SessionsRepository } from './sqlite.sessions.repository.js';
export { SqliteApiKeysRepository as ApiKeysRepository } from './sqlite.api-keys.repository.js';
export { SqliteQuotaRepository as QuotaRepository } from './sqlite.quota.repository.js';
