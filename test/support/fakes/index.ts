/**
 * In-memory fakes of the storage ports, for unit specs of the services. Each passes the same
 * contract suites as the real adapters (`test/contracts/memory.*.spec.ts`), so a service that
 * works on the fakes works on any adapter.
 */
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { BlobStore } from '../../../src/storage/blobs/blob-store.js';
import { ValidatedBlobStore } from '../../../src/storage/blobs/validated-blob-store.js';
import { ApiKeysRepository } from '../../../src/storage/records/api-keys.repository.js';
import { ImagesRepository } from '../../../src/storage/records/images.repository.js';
import { JobsRepository } from '../../../src/storage/records/jobs.repository.js';
import { QuotaRepository } from '../../../src/storage/records/quota.repository.js';
import { RecordStore } from '../../../src/storage/records/record-store.js';
import { SchedulesRepository } from '../../../src/storage/records/schedules.repository.js';
import { SessionsRepository } from '../../../src/storage/records/sessions.repository.js';
import { UsersRepository } from '../../../src/storage/records/users.repository.js';
import { InMemoryApiKeysRepository } from './memory.api-keys.repository.js';
import { InMemoryBlobStore } from './memory.blob-store.js';
import { InMemoryImagesRepository } from './memory.images.repository.js';
import { InMemoryJobsRepository } from './memory.jobs.repository.js';
import { InMemoryQuotaRepository } from './memory.quota.repository.js';
import { InMemoryRecordStore } from './memory.record-store.js';
import { InMemorySchedulesRepository } from './memory.schedules.repository.js';
import { InMemorySessionsRepository } from './memory.sessions.repository.js';
import { InMemoryUsersRepository } from './memory.users.repository.js';

export { InMemoryApiKeysRepository } from './memory.api-keys.repository.js';
export { InMemoryBlobStore } from './memory.blob-store.js';
export { InMemoryImagesRepository } from './memory.images.repository.js';
export { InMemoryJobsRepository } from './memory.jobs.repository.js';
export { InMemoryQuotaRepository } from './memory.quota.repository.js';
export { InMemoryRecordStore } from './memory.record-store.js';
export { InMemorySchedulesRepository } from './memory.schedules.repository.js';
export { InMemorySessionsRepository } from './memory.sessions.repository.js';
export { InMemoryUsersRepository } from './memory.users.repository.js';

export interface Fakes {
  readonly users: InMemoryUsersRepository;
  readonly jobs: InMemoryJobsRepository;
  readonly images: InMemoryImagesRepository;
  readonly schedules: InMemorySchedulesRepository;
  readonly sessions: InMemorySessionsRepository;
  readonly apiKeys: InMemoryApiKeysRepository;
  readonly quota: InMemoryQuotaRepository;
  readonly records: InMemoryRecordStore;
  readonly blobs: InMemoryBlobStore;
}

/** A fresh, empty fake of every storage port. */
export function buildFakes(): Fakes {
  return {
    users: new InMemoryUsersRepository(),
    jobs: new InMemoryJobsRepository(),
    images: new InMemoryImagesRepository(),
    schedules: new InMemorySchedulesRepository(),
    sessions: new InMemorySessionsRepository(),
    apiKeys: new InMemoryApiKeysRepository(),
    quota: new InMemoryQuotaRepository(),
    records: new InMemoryRecordStore(),
    blobs: new InMemoryBlobStore(),
  };
}

const PORTS = [
  UsersRepository,
  JobsRepository,
  ImagesRepository,
  SchedulesRepository,
  SessionsRepository,
  ApiKeysRepository,
  QuotaRepository,
  RecordStore,
  BlobStore,
];

/** `fakes` as Nest providers of the ports' tokens. */
export function fakeProviders(fakes: Fakes): Provider[] {
  return [
    { provide: UsersRepository, useValue: fakes.users },
    { provide: JobsRepository, useValue: fakes.jobs },
    { provide: ImagesRepository, useValue: fakes.images },
    { provide: SchedulesRepository, useValue: fakes.schedules },
    { provide: SessionsRepository, useValue: fakes.sessions },
    { provide: ApiKeysRepository, useValue: fakes.apiKeys },
    { provide: QuotaRepository, useValue: fakes.quota },
    { provide: RecordStore, useValue: fakes.records },
    // Behind the key check, as `BlobsModule` puts every adapter.
    { provide: BlobStore, useValue: new ValidatedBlobStore(fakes.blobs) },
  ];
}

/** The fakes in place of `RecordsModule` and `BlobsModule`: global, as those are. */
@Module({})
export class FakePortsModule {
  static with(fakes: Fakes): DynamicModule {
    return {
      module: FakePortsModule,
      global: true,
      providers: fakeProviders(fakes),
      exports: PORTS,
    };
  }
}
