/** The users port: what every adapter of `UsersRepository` must do. */
import { describe, expect, it } from '@jest/globals';

import { newId } from '../../../src/common/ids.js';
import { UniqueViolationError } from '../../../src/domain/records.js';
import type { UsersRepository } from '../../../src/storage/records/users.repository.js';
import { at, makeUser } from '../../fixtures/records.js';
import { collectPages, expectedOrder, idsOf, shuffled } from './paging.js';
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

    it('creates a user enabled and with no refused tokens when the record does not say', async () => {
      const { id, email, passwordHash, role, createdAt } = makeUser();
      const draft = { id, email, passwordHash, role, createdAt };

      const created = await users.create(draft);

      expect(created).toEqual({ ...draft, disabled: false, tokensValidAfter: null });
      await expect(users.findById(draft.id)).resolves.toEqual(created);
    });

    describe('update', () => {
      it('changes the given fields, keeps the others, and returns the user as stored', async () => {
        const user = await users.create(makeUser({ email: 'ada@example.com' }));

        const disabled = await users.update(user.id, { disabled: true, role: 'admin' });

        expect(disabled).toEqual({ ...user, disabled: true, role: 'admin' });
        await expect(users.findById(user.id)).resolves.toEqual(disabled);
        await expect(users.findByEmail('ada@example.com')).resolves.toEqual(disabled);
        const changed = await users.update(user.id, {
          passwordHash: 'scrypt$new',
          tokensValidAfter: at(60),
          disabled: false,
        });
        expect(changed).toEqual({
          ...user,
          role: 'admin',
          passwordHash: 'scrypt$new',
          tokensValidAfter: at(60),
        });
        await expect(users.update(user.id, { tokensValidAfter: null })).resolves.toMatchObject({
          tokensValidAfter: null,
          passwordHash: 'scrypt$new',
        });
      });

      it('returns null for an unknown user and creates nothing', async () => {
        const id = newId();

        await expect(users.update(id, { disabled: true })).resolves.toBeNull();
        await expect(users.findById(id)).resolves.toBeNull();
      });
    });

    describe('list', () => {
      it('pages through every user newest first (ties by id)', async () => {
        const all = [1, 2, 2, 2, 3, 4, 5].map((s) => makeUser({ createdAt: at(s) }));
        for (const user of shuffled(all)) await users.create(user);

        const pages = await collectPages((page) => users.list({}, page), 3);

        expect(idsOf(pages.flat())).toEqual(expectedOrder(all));
        expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
      });

      it('finds users by any part of their e-mail, in any case, taking % and _ literally', async () => {
        const ada = await users.create(
          makeUser({ email: 'ada.lovelace@example.com', createdAt: at(1) }),
        );
        const grace = await users.create(makeUser({ email: 'grace@navy.mil', createdAt: at(2) }));
        const odd = await users.create(
          makeUser({ email: 'odd_one%@example.com', createdAt: at(3) }),
        );

        await expect(users.list({ email: 'LOVE' }, { limit: 10 }).then(idsOf)).resolves.toEqual([
          ada.id,
        ]);
        await expect(
          users.list({ email: 'example.com' }, { limit: 10 }).then(idsOf),
        ).resolves.toEqual([odd.id, ada.id]);
        await expect(users.list({ email: '_one%' }, { limit: 10 }).then(idsOf)).resolves.toEqual([
          odd.id,
        ]);
        await expect(users.list({ email: '%' }, { limit: 10 }).then(idsOf)).resolves.toEqual([
          odd.id,
        ]);
        await expect(users.list({ email: 'a_a' }, { limit: 10 })).resolves.toEqual([]);
        await expect(users.list({ email: '.*' }, { limit: 10 })).resolves.toEqual([]);
        await expect(users.list({ email: 'navy' }, { limit: 10 })).resolves.toEqual([grace]);
      });

      it('pages through a search', async () => {
        const matching = [1, 2, 3, 4].map((s) =>
          makeUser({ email: `match-${s}@example.com`, createdAt: at(s) }),
        );
        for (const user of [...matching, makeUser({ email: 'other@example.com' })]) {
          await users.create(user);
        }

        const pages = await collectPages((page) => users.list({ email: 'match' }, page), 3);

        expect(idsOf(pages.flat())).toEqual(expectedOrder(matching));
      });
    });
  });
}
