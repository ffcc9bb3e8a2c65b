/** The API keys port: keys by id, a user's active keys, uses, revocation by their owner only. */
import { describe, expect, it } from '@jest/globals';

import { newId } from '../../../src/common/ids.js';
import type { ApiKey } from '../../../src/domain/records.js';
import type { ApiKeysRepository } from '../../../src/storage/records/api-keys.repository.js';
import { at } from '../../fixtures/records.js';
import { expectedOrder, idsOf, shuffled } from './paging.js';
import { freshStoreEachTest, type OpenRecordStore } from './record-store.js';

function makeApiKey(overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    id: newId(),
    userId: newId(),
    name: 'nightly job',
    scopes: ['images:read', 'generations:write'],
    secretHash: `hash-${newId()}`,
    createdAt: at(0),
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

export function describeApiKeysContract(open: OpenRecordStore): void {
  describe('api keys', () => {
    let keys: ApiKeysRepository;
    freshStoreEachTest(open, (fixture) => ({ apiKeys: keys } = fixture));

    it('creates a key and finds it by id, every field as written', async () => {
      const key = makeApiKey({ name: 'ünïcödé “backup” 🦊', scopes: ['admin'] });
      const used = makeApiKey({ lastUsedAt: at(5), revokedAt: at(6) });

      await expect(keys.create(key)).resolves.toEqual(key);
      await keys.create(used);

      await expect(keys.findById(key.id)).resolves.toEqual(key);
      await expect(keys.findById(used.id)).resolves.toEqual(used);
      await expect(keys.findById(newId())).resolves.toBeNull();
    });

    it('lists a user’s keys that are not revoked, newest first, and nobody else’s', async () => {
      const userId = newId();
      const active = [1, 2, 2, 3].map((s) => makeApiKey({ userId, createdAt: at(s) }));
      const revoked = makeApiKey({ userId, createdAt: at(4), revokedAt: at(5) });
      for (const key of shuffled([...active, revoked, makeApiKey()])) await keys.create(key);

      await expect(keys.listActiveByUser(userId).then(idsOf)).resolves.toEqual(
        expectedOrder(active),
      );
      await expect(keys.listActiveByUser(newId())).resolves.toEqual([]);
    });

    it('records a use', async () => {
      const key = await keys.create(makeApiKey());

      await keys.touch(key.id, at(30));
      await expect(keys.findById(key.id)).resolves.toEqual({ ...key, lastUsedAt: at(30) });
      await keys.touch(key.id, at(90));
      await expect(keys.findById(key.id)).resolves.toEqual({ ...key, lastUsedAt: at(90) });
      await expect(keys.touch(newId(), at(90))).resolves.toBeUndefined();
    });

    it('revokes a key for its owner, once, and for nobody else', async () => {
      const key = await keys.create(makeApiKey());

      await expect(keys.revoke(key.id, newId(), at(10))).resolves.toBe(false);
      await expect(keys.findById(key.id)).resolves.toEqual(key);
      await expect(keys.revoke(key.id, key.userId, at(11))).resolves.toBe(true);
      await expect(keys.findById(key.id)).resolves.toEqual({ ...key, revokedAt: at(11) });
      await expect(keys.revoke(key.id, key.userId, at(12))).resolves.toBe(false);
      await expect(keys.findById(key.id)).resolves.toEqual({ ...key, revokedAt: at(11) });
      await expect(keys.listActiveByUser(key.userId)).resolves.toEqual([]);
      await expect(keys.revoke(newId(), key.userId, at(13))).resolves.toBe(false);
    });
  });
}
