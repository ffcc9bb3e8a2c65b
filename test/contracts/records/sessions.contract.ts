/** The sessions port: refresh tokens in families, rotated with compare-and-set, revoked as a whole. */
import { describe, expect, it } from '@jest/globals';

import { newId } from '../../../src/common/ids.js';
import type { Session } from '../../../src/domain/records.js';
import type { SessionsRepository } from '../../../src/storage/records/sessions.repository.js';
import { at } from '../../fixtures/records.js';
import { freshStoreEachTest, type OpenRecordStore } from './record-store.js';

export function makeSession(overrides: Partial<Session> = {}): Session {
  return {
    id: newId(),
    familyId: newId(),
    userId: newId(),
    tokenHash: `hash-${newId()}`,
    createdAt: at(0),
    expiresAt: at(3600),
    usedAt: null,
    revokedAt: null,
    lastUsedAt: at(0),
    userAgent: null,
    ...overrides,
  };
}

export function describeSessionsContract(open: OpenRecordStore): void {
  describe('sessions', () => {
    let sessions: SessionsRepository;
    const store = freshStoreEachTest(open, (fixture) => ({ sessions } = fixture));

    it('creates a token and finds it by its hash, every field as written', async () => {
      const token = makeSession({ userAgent: 'Mozilla/5.0 (X11; Linux) “quoted” ünï' });
      const used = makeSession({ usedAt: at(5), revokedAt: at(6), lastUsedAt: at(5) });

      await expect(sessions.create(token)).resolves.toEqual(token);
      await sessions.create(used);

      await expect(sessions.findByTokenHash(token.tokenHash)).resolves.toEqual(token);
      await expect(sessions.findByTokenHash(used.tokenHash)).resolves.toEqual(used);
      await expect(sessions.findByTokenHash('no such hash')).resolves.toBeNull();
    });

    describe('markUsed', () => {
      it('marks an unused token used, once', async () => {
        const token = await sessions.create(makeSession());

        const used = await sessions.markUsed(token, at(10));

        expect(used).toEqual({ ...token, usedAt: at(10), lastUsedAt: at(10) });
        await expect(sessions.findByTokenHash(token.tokenHash)).resolves.toEqual(used);
        await expect(sessions.markUsed(token, at(11))).resolves.toBeNull();
        await expect(sessions.findByTokenHash(token.tokenHash)).resolves.toEqual(used);
      });

      it('lets exactly one of many concurrent refreshes of one token win', async () => {
        const token = await sessions.create(makeSession());

        const outcomes = await Promise.all(
          Array.from({ length: 12 }, (_, i) => sessions.markUsed(token, at(10 + i))),
        );

        const winners = outcomes.filter((outcome) => outcome !== null);
        expect(winners).toHaveLength(1);
        await expect(sessions.findByTokenHash(token.tokenHash)).resolves.toEqual(winners[0]);
      });

      it('lets exactly one of two replicas win the same token', async () => {
        const other = await store().replica();
        try {
          const token = await sessions.create(makeSession());

          const outcomes = await Promise.all([
            sessions.markUsed(token, at(10)),
            other.sessions.markUsed(token, at(11)),
            sessions.markUsed(token, at(12)),
            other.sessions.markUsed(token, at(13)),
          ]);

          expect(outcomes.filter((outcome) => outcome !== null)).toHaveLength(1);
        } finally {
          await other.close();
        }
      });

      it('refuses a revoked token, and an unknown one', async () => {
        const token = await sessions.create(makeSession());
        await sessions.revokeFamily(token.familyId, at(5));

        await expect(sessions.markUsed(token, at(10))).resolves.toBeNull();
        await expect(
          sessions.markUsed({ id: newId(), familyId: newId() }, at(10)),
        ).resolves.toBeNull();
        await expect(sessions.findByTokenHash(token.tokenHash)).resolves.toMatchObject({
          usedAt: null,
          revokedAt: at(5),
        });
      });
    });

    describe('revoking', () => {
      it('revokes every token of the family not revoked yet, and no other family', async () => {
        const familyId = newId();
        const first = await sessions.create(makeSession({ familyId, usedAt: at(1) }));
        const second = await sessions.create(makeSession({ familyId, userId: first.userId }));
        const earlier = await sessions.create(makeSession({ familyId, revokedAt: at(2) }));
        const otherFamily = await sessions.create(makeSession({ userId: first.userId }));

        await expect(sessions.isFamilyRevoked(familyId)).resolves.toBe(true);
        const fresh = await sessions.create(makeSession());
        await expect(sessions.isFamilyRevoked(fresh.familyId)).resolves.toBe(false);

        await expect(sessions.revokeFamily(familyId, at(9))).resolves.toBe(2);

        for (const token of [first, second]) {
          await expect(sessions.findByTokenHash(token.tokenHash)).resolves.toEqual({
            ...token,
            revokedAt: at(9),
          });
        }
        await expect(sessions.findByTokenHash(earlier.tokenHash)).resolves.toEqual(earlier);
        await expect(sessions.findByTokenHash(otherFamily.tokenHash)).resolves.toEqual(otherFamily);
        await expect(sessions.isFamilyRevoked(otherFamily.familyId)).resolves.toBe(false);
        await expect(sessions.revokeFamily(familyId, at(10))).resolves.toBe(0);
      });

      it('keeps a family revoked when a token joins it afterwards', async () => {
        const token = await sessions.create(makeSession());
        await sessions.revokeFamily(token.familyId, at(5));

        await sessions.create(makeSession({ familyId: token.familyId, createdAt: at(6) }));

        await expect(sessions.isFamilyRevoked(token.familyId)).resolves.toBe(true);
      });

      it('says a family nobody knows is not revoked', async () => {
        await expect(sessions.isFamilyRevoked(newId())).resolves.toBe(false);
      });

      it('revokes every family of one user, and nobody else’s', async () => {
        const userId = newId();
        const mine = [
          await sessions.create(makeSession({ userId })),
          await sessions.create(makeSession({ userId })),
          await sessions.create(makeSession({ userId, usedAt: at(1) })),
        ];
        const theirs = await sessions.create(makeSession());

        await expect(sessions.revokeAllForUser(userId, at(9))).resolves.toBe(3);

        for (const token of mine) {
          await expect(sessions.isFamilyRevoked(token.familyId)).resolves.toBe(true);
          await expect(sessions.markUsed(token, at(10))).resolves.toBeNull();
        }
        await expect(sessions.isFamilyRevoked(theirs.familyId)).resolves.toBe(false);
        await expect(sessions.findByTokenHash(theirs.tokenHash)).resolves.toEqual(theirs);
      });

      it('leaves a token used or revoked, never both undone, when a refresh races a logout', async () => {
        const token = await sessions.create(makeSession());

        const [used] = await Promise.all([
          sessions.markUsed(token, at(10)),
          sessions.revokeFamily(token.familyId, at(10)),
        ]);

        const stored = await sessions.findByTokenHash(token.tokenHash);
        expect(stored?.revokedAt).toBe(at(10));
        expect(stored?.usedAt).toBe(used ? at(10) : null);
        await expect(sessions.isFamilyRevoked(token.familyId)).resolves.toBe(true);
      });
    });

    describe('prune', () => {
      const hashes = async () =>
        Promise.all(
          all.map(async (token) => ((await sessions.findByTokenHash(token.tokenHash)) ? 1 : 0)),
        );
      let all: Session[] = [];

      it('deletes tokens that expired before the cutoff and were not revoked, used or not', async () => {
        const familyId = newId();
        all = [
          // Expired, used, in a live family: goes; its family's current token stays.
          await sessions.create(makeSession({ familyId, expiresAt: at(50), usedAt: at(40) })),
          await sessions.create(makeSession({ familyId, createdAt: at(40), expiresAt: at(500) })),
          // Expired, never used: goes.
          await sessions.create(makeSession({ expiresAt: at(99) })),
          // Expires at the cutoff or after: stays.
          await sessions.create(makeSession({ expiresAt: at(100) })),
          await sessions.create(makeSession({ expiresAt: at(101), usedAt: at(1) })),
        ];

        await expect(sessions.prune(at(100))).resolves.toBe(2);

        await expect(hashes()).resolves.toEqual([0, 1, 0, 1, 1]);
        await expect(sessions.isFamilyRevoked(familyId)).resolves.toBe(false);
        await expect(sessions.prune(at(100))).resolves.toBe(0);
      });

      it('deletes a revoked family once every token of it was created before the cutoff', async () => {
        const old = newId();
        const recent = newId();
        all = [
          await sessions.create(
            makeSession({ familyId: old, createdAt: at(10), revokedAt: at(20) }),
          ),
          await sessions.create(
            makeSession({ familyId: old, createdAt: at(20), usedAt: at(30), revokedAt: at(30) }),
          ),
          // Revoked long ago, but a token joined it after the cutoff (a refresh racing the
          // logout): the family must go on saying it was revoked, so none of it goes.
          await sessions.create(
            makeSession({ familyId: recent, createdAt: at(10), revokedAt: at(20) }),
          ),
          await sessions.create(makeSession({ familyId: recent, createdAt: at(150) })),
        ];

        await expect(sessions.prune(at(100))).resolves.toBe(2);

        await expect(hashes()).resolves.toEqual([0, 0, 1, 1]);
        await expect(sessions.isFamilyRevoked(old)).resolves.toBe(false);
        await expect(sessions.isFamilyRevoked(recent)).resolves.toBe(true);
      });
    });
  });
}
