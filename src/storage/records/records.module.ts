import {
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { meteredRecordPort } from '../../metrics/metered-record-port.js';
import { Metrics } from '../../metrics/metrics.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ImagesRepository } from './images.repository.js';
import { JobsRepository } from './jobs.repository.js';
import { QuotaRepository } from './quota.repository.js';
import type { PortName, RecordBackend } from './record-backend.js';
import { RecordStore } from './record-store.js';
import { SchedulesRepository } from './schedules.repository.js';
import { SessionsRepository } from './sessions.repository.js';
import { UsersRepository } from './users.repository.js';
import { translatingUnavailable } from '../unavailable.js';

/** Each port (its injection token) under its name in `RecordBackend`. */
const PORTS = {
  RecordStore,
  UsersRepository,
  JobsRepository,
  ImagesRepository,
  SchedulesRepository,
  SessionsRepository,
  ApiKeysRepository,
  QuotaRepository,
} satisfies Record<PortName, unknown>;

/**
 * The backend module of each DATABASE_DRIVER, imported on demand: the embedded default never
 * loads the Cosmos or MongoDB SDKs (a third of a second of start-up each).
 */
const BACKENDS: Record<AppConfig['database']['driver'], () => Promise<RecordBackend<unknown>>> = {
  sqlite: backend(() => import('./sqlite/index.js')),
  cosmos: backend(() => import('./cosmos/index.js')),
  mongo: backend(() => import('./mongo/index.js')),
};

/** Checks that a backend module is a `RecordBackend` on its own connection type. */
function backend<C>(load: () => Promise<RecordBackend<C>>) {
  return load as () => Promise<RecordBackend<unknown>>;
}

const CONNECTED = Symbol('RECORD_STORE_BACKEND');

/** The configured backend's module and its open connection. */
interface Connected {
  readonly backend: RecordBackend<unknown>;
  readonly connection: unknown;
}

/** Closes the backend's connection when the app shuts down (after the worker let go of it). */
class RecordStoreLifecycle implements OnApplicationShutdown {
  constructor(private readonly connected: Connected) {}
  async onApplicationShutdown(): Promise<void> {
    await this.connected.backend.close(this.connected.connection);
  }
}

/** The one factory for the record-store ports: the configured backend's adapter for each. */
function recordStoreProviders(config: AppConfig): Provider[] {
  const ports = Object.entries(PORTS) as [PortName, (typeof PORTS)[PortName]][];
  return [
    {
      provide: CONNECTED,
      useFactory: async (): Promise<Connected> => {
        const loaded = await BACKENDS[config.database.driver]();
        return { backend: loaded, connection: await loaded.open(config.database) };
      },
    },
    {
      provide: RecordStoreLifecycle,
      useFactory: (connected: Connected) => new RecordStoreLifecycle(connected),
      inject: [CONNECTED],
    },
    // Each adapter with its "cannot serve now" failures as 503s, timed into the store-latency
    // histogram (when metrics are on).
    ...ports.map(([name, port]) => ({
      provide: port,
      useFactory: ({ backend, connection }: Connected, metrics?: Metrics) => {
        const adapter = new backend[name](connection);
        const translated = backend.unavailable
          ? translatingUnavailable(adapter, 'recordStore', backend.unavailable)
          : adapter;
        return meteredRecordPort(translated, name, metrics);
      },
      inject: [CONNECTED, { token: Metrics, optional: true }],
    })),
  ];
}

@Module({})
export class RecordsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RecordsModule,
      global: true,
      providers: recordStoreProviders(config),
      exports: Object.values(PORTS),
    };
  }
}
