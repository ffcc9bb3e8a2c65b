/** The quota port: per-user, per-day counters that never let concurrent takers past the limit. */
import { describe, expect, it } from '@jest/globals';

import { newId } from '../../../src/common/ids.js';
import type { QuotaRepository } from '../../../src/storage/records/quota.repository.js';
import { freshStoreEachTest, type OpenRecordStore } from './record-store.js';

const DAY = '2026-11-22';
const NEXT_DAY = '2026-11-23';

export function describeQuotaContract(open: OpenRecordStore): void {
  describe('quota', () => {
    let quota: QuotaRepository;
    const store = freshStoreEachTest(open, (fixture) => ({ quota } = fixture));

    it('counts from zero, grants what fits and refuses what does not, leaving the count', async () => {
      const userId = newId();
      await expect(quota.used(userId, DAY)).resolves.toBe(0);

      await expect(quota.tryConsume(userId, DAY, 2, 5)).resolves.toEqual({
        granted: true,
        used: 2,
      });
      await expect(quota.tryConsume(userId, DAY, 3, 5)).resolves.toEqual({
        granted: true,
        used: 5,
      });
      await expect(quota.tryConsume(userId, DAY, 1, 5)).resolves.toEqual({
        granted: false,
        used: 5,
      });
      await expect(quota.used(userId, DAY)).resolves.toBe(5);
    });

    it('refuses more than the whole limit, even on a fresh day', async () => {
      const userId = newId();

      await expect(quota.tryConsume(userId, DAY, 6, 5)).resolves.toEqual({
        granted: false,
        used: 0,
      });
      await expect(quota.tryConsume(userId, DAY, 4, 5)).resolves.toEqual({
        granted: true,
        used: 4,
      });
      await expect(quota.tryConsume(userId, DAY, 2, 5)).resolves.toEqual({
        granted: false,
        used: 4,
      });
    });

    it('only counts when there is no limit', async () => {
      const userId = newId();

      await expect(quota.tryConsume(userId, DAY, 50, null)).resolves.toEqual({
        granted: true,
        used: 50,
      });
      await expect(quota.tryConsume(userId, DAY, 50, null)).resolves.toEqual({
        granted: true,
        used: 100,
      });
      // A limit applies to what was counted without one.
      await expect(quota.tryConsume(userId, DAY, 1, 100)).resolves.toEqual({
        granted: false,
        used: 100,
      });
    });

    it('keeps one count per user and per day', async () => {
      const [ada, bob] = [newId(), newId()];
      await quota.tryConsume(ada, DAY, 3, 3);

      await expect(quota.tryConsume(bob, DAY, 3, 3)).resolves.toEqual({ granted: true, used: 3 });
      await expect(quota.tryConsume(ada, NEXT_DAY, 3, 3)).resolves.toEqual({
        granted: true,
        used: 3,
      });
      await expect(quota.used(ada, DAY)).resolves.toBe(3);
    });

    it('gives back what was taken, never below zero', async () => {
      const userId = newId();
      await quota.tryConsume(userId, DAY, 4, 5);

      await quota.refund(userId, DAY, 3);
      await expect(quota.used(userId, DAY)).resolves.toBe(1);
      await expect(quota.tryConsume(userId, DAY, 4, 5)).resolves.toEqual({
        granted: true,
        used: 5,
      });
      await quota.refund(userId, DAY, 9);
      await expect(quota.used(userId, DAY)).resolves.toBe(0);
      await quota.refund(userId, NEXT_DAY, 1);
      await expect(quota.used(userId, NEXT_DAY)).resolves.toBe(0);
    });

    it('grants exactly what fits to 20 concurrent takers', async () => {
      const userId = newId();

      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => quota.tryConsume(userId, DAY, 1, 5)),
      );

      expect(outcomes.filter((outcome) => outcome.granted)).toHaveLength(5);
      await expect(quota.used(userId, DAY)).resolves.toBe(5);
    });

    it('grants exactly what fits to concurrent takers of several images, on two replicas', async () => {
      const userId = newId();
      const other = await store().replica();
      try {
        const outcomes = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            (i % 2 ? other.quota : quota).tryConsume(userId, DAY, 2, 7),
          ),
        );

        expect(outcomes.filter((outcome) => outcome.granted)).toHaveLength(3);
        await expect(quota.used(userId, DAY)).resolves.toBe(6);
      } finally {
        await other.close();
      }
    });

    it('loses no refund or take that race each other', async () => {
      const userId = newId();
      await quota.tryConsume(userId, DAY, 10, null);

      await Promise.all([
        ...Array.from({ length: 5 }, () => quota.refund(userId, DAY, 1)),
        ...Array.from({ length: 5 }, () => quota.tryConsume(userId, DAY, 2, null)),
      ]);

      await expect(quota.used(userId, DAY)).resolves.toBe(15);
    });
  });
}
