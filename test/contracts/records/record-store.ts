import { afterEach, beforeEach } from '@jest/globals';

import type { ApiKeysRepository } from '../../../src/storage/records/api-keys.repository.js';
import type { ImagesRepository } from '../../../src/storage/records/images.repository.js';
import type { JobsRepository } from '../../../src/storage/records/jobs.repository.js';
import type { QuotaRepository } from '../../../src/storage/records/quota.repository.js';
import type { RecordStore } from '../../../src/storage/records/record-store.js';
import type { SchedulesRepository } from '../../../src/storage/records/schedules.repository.js';
import type { SessionsRepository } from '../../../src/storage/records/sessions.repository.js';
import type { UsersRepository } from '../../../src/storage/records/users.repository.js';

/** One adapter's repositories over one fresh, empty store, as a backend spec opens them. */
export interface RecordStoreFixture {
  readonly users: UsersRepository;
  readonly jobs: JobsRepository;
  readonly images: ImagesRepository;
  readonly schedules: SchedulesRepository;
  readonly sessions: SessionsRepository;
  readonly apiKeys: ApiKeysRepository;
  readonly quota: QuotaRepository;
  readonly store: RecordStore;
  /**
   * Another connection to the same store, as a second replica of the service would open it (the
   * caller closes it; this fixture's `close` may drop the store itself).
   */
  replica(): Promise<RecordStoreFixture>;
  close(): Promise<void>;
}

export type OpenRecordStore = () => Promise<RecordStoreFixture>;

/**
 * Opens a fresh store before each test of the enclosing `describe` and closes it after; `onOpen`
 * takes the repositories a suite uses. Returns the current test's store.
 */
export function freshStoreEachTest(
  open: OpenRecordStore,
  onOpen: (fixture: RecordStoreFixture) => void = () => undefined,
): () => RecordStoreFixture {
  let fixture: RecordStoreFixture | undefined;

  beforeEach(async () => {
    fixture = await open();
    onOpen(fixture);
  });

  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  return () => {
    if (!fixture) throw new Error('the store is open only while a test runs');
    return fixture;
  };
}
