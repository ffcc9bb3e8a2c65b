/** The users port: what every adapter of `UsersRepository` must do. */
import { describe, expect, it } from '@jest/globals';

import { newId } from '../../../src/common/ids.js';
import { UniqueViolationError } from '../../../src/domain/records.js';
import type { UsersRepository } from '../../../src/storage/records/users.repository.js';
import { makeUser } from '../../fixtures/records.js';
import { freshStoreEachTest, type OpenRecordStore } from './record-store.js';

export function describeUsersContract(open: OpenRecordStore): void {
  describe('users', () => {
    let users: UsersRepository;
    freshStoreEachTest(open, (fixture) => ({ users } = fixture));

    it('creates a user and finds it by id and by e-mail in any case', async () => {
      const user = makeUser({ email: 'ada@example.com', role: 'admin' });
      await expect(users.create(user)).resolves.toEqual(user);

      await expect(users.findById(user.id)).resolves.toEqual(user);
      await expect(users.findByEmail('ada@example.com')).resolves.toEqual(user);
      await expect(users.findByEmail('ADA@Example.COM')).resolves.toEqual(user);
    });

    it('keeps e-mails lower-cased', async () => {
      const user = makeUser({ email: 'Grace.Hopper@Example.com' });
      const created = await users.create(user);

      expect(created.email).toBe('grace.hopper@example.com');
      await expect(users.findById(user.id)).resolves.toEqual({
        ...user,
        email: 'grace.hopper@example.com',
      });
      await expect(users.findByEmail('grace.hopper@example.com')).resolves.toMatchObject({
        id: user.id,
      });
    });

    it('returns null for an unknown id or e-mail', async () => {
      await users.create(makeUser({ email: 'ada@example.com' }));

      await expect(users.findById(newId())).resolves.toBeNull();
      await expect(users.findByEmail('bob@example.com')).resolves.toBeNull();
    });

    it.each(['ada@example.com', 'Ada@EXAMPLE.com'])(
      'refuses a second user with the e-mail %s (user-email)',
      async (email) => {
        const first = makeUser({ email: 'ada@example.com' });
        await users.create(first);
        const second = makeUser({ email });

        const error = await users.create(second).then(
          () => null,
          (e: unknown) => e,
        );

        expect(error).toBeInstanceOf(UniqueViolationError);
        expect((error as UniqueViolationError).constraint).toBe('user-email');
        await expect(users.findById(second.id)).resolves.toBeNull();
        await expect(users.findByEmail('ada@example.com')).resolves.toEqual(first);
      },
    );
  });
}
