import type { AppConfig } from '../../config/app-config.js';
import type { ApiKeysRepository } from './api-keys.repository.js';
import type { ImagesRepository } from './images.repository.js';
import type { JobsRepository } from './jobs.repository.js';
import type { QuotaRepository } from './quota.repository.js';
import type { RecordStore } from './record-store.js';
import type { SchedulesRepository } from './schedules.repository.js';
import type { SessionsRepository } from './sessions.repository.js';
import type { UsersRepository } from './users.repository.js';
import type { UnavailableReason } from '../unavailable.js';

/** An adapter class of one port, built on the backend's connection `C`. */
type On<C, Port> = new (connection: C) => Port;

/**
 * What one record-store backend module (`sqlite/index.ts`, `cosmos/index.ts`, `mongo/index.ts`)
 * exports: how to open and close its connection, and its adapter class for each port under the
 * port's name. `RecordsModule` imports the module DATABASE_DRIVER names, and only that one, so a
 * backend's SDK is loaded only where it is used.
 */
export interface RecordBackend<C> {
  open(database: AppConfig['database']): Promise<C>;
  close(connection: C): Promise<void>;
  /**
   * Why the backend cannot serve now, from one of its SDK's errors: its adapters' failures that
   * this explains become `StorageUnavailableError`s (503). SQLite translates its own.
   */
  readonly unavailable?: UnavailableReason;
  readonly RecordStore: On<C, RecordStore>;
  readonly UsersRepository: On<C, UsersRepository>;
  readonly JobsRepository: On<C, JobsRepository>;
  readonly ImagesRepository: On<C, ImagesRepository>;
  readonly SchedulesRepository: On<C, SchedulesRepository>;
  readonly SessionsRepository: On<C, SessionsRepository>;
  readonly ApiKeysRepository: On<C, ApiKeysRepository>;
  readonly QuotaRepository: On<C, QuotaRepository>;
}

/** The ports a backend provides, by name. */
export type PortName = Exclude<keyof RecordBackend<unknown>, 'open' | 'close' | 'unavailable'>;
