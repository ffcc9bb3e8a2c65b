import type { AppConfig } from '../../../config/app-config.js';
import { MongoDatabase } from './mongo.database.js';

export { mongoUnavailable as unavailable } from './mongo.database.js';

/**
 * MongoDB through mongoose: connects, then creates collections and indexes; a failed init closes
 * the connection. See `RecordBackend`.
 */
export async function open({ mongoUri }: AppConfig['database']): Promise<MongoDatabase> {
  const db = await MongoDatabase.connect(mongoUri!);
  try {
    await db.init();
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

export async function close(db: MongoDatabase): Promise<void> {
  await db.close();
}

export { MongoRecordStore as RecordStore } from './mongo.record-store.js';
export { MongoUsersRepository as UsersRepository } from './mongo.users.repository.js';
export { MongoJobsRepository as JobsRepository } from './mongo.jobs.repository.js';
export { MongoImagesRepository as ImagesRepository } from './mongo.images.repository.js';
export { MongoSchedulesRepository as SchedulesRepository } from './mongo.schedules.repository.js';
export { MongoSessionsRepository as SessionsRepository } from './mongo.sessions.repository.js';
export { MongoApiKeysRepository as ApiKeysRepository } from './mongo.api-keys.repository.js';
export { MongoQuotaRepository as QuotaRepository } from './mongo.quota.repository.js';
