import type { AppConfig } from '../../../config/app-config.js';
import { CosmosDatabase } from './cosmos.database.js';

export { cosmosUnavailable as unavailable } from './cosmos.database.js';

/**
 * Azure Cosmos DB (NoSQL API); creates the database and containers when missing (config
 * validation made the settings present). See `RecordBackend`.
 */
export async function open({ cosmos }: AppConfig['database']): Promise<CosmosDatabase> {
  const db = new CosmosDatabase(cosmos!);
  await db.init();
  return db;
}

export async function close(db: CosmosDatabase): Promise<void> {
  db.close();
}

export { CosmosRecordStore as RecordStore } from './cosmos.record-store.js';
export { CosmosUsersRepository as UsersRepository } from './cosmos.users.repository.js';
export { CosmosJobsRepository as JobsRepository } from './cosmos.jobs.repository.js';
export { CosmosImagesRepository as ImagesRepository } from './cosmos.images.repository.js';
export { CosmosSchedulesRepository as SchedulesRepository } from './cosmos.schedules.repository.js';
export { CosmosSessionsRepository as SessionsRepository } from './cosmos.sessions.repository.js';
export { CosmosApiKeysRepository as ApiKeysRepository } from './cosmos.api-keys.repository.js';
export { CosmosQuotaRepository as QuotaRepository } from './cosmos.quota.repository.js';
