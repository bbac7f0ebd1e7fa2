import { randomUUID } from 'node:crypto';
import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import { RecentMarks } from './recent-marks.js';
import type { DedupeRepository } from './types.js';

/**
 * Processed-event marks, so a redelivered platform event gets one answer. The claim is a single
 * create-if-absent: atomic on the Redis server across instances (SET NX PX), and serialized within the
 * one process that owns a SQLite file (SQLite mode is single-instance).
 *
 * Marks are also remembered in this process (see {@link RecentMarks}), and looked up there first: an
 * event this process took is a duplicate here even while the store is unreachable, or after Redis
 * came back without its data. The mark is remembered before the store answers, under the caller's
 * holder, so a redelivery arriving meanwhile is a duplicate, and the same holder trying again after a
 * failed claim (a message held through an outage) is recognised as itself.
 */
export function createDedupeRepository(driver: StoreDriver, recent = new RecentMarks()): DedupeRepository {
  return {
    claim: async (mark: string, ttlMs: number, holder: string = randomUUID()) => {
      const seen = recent.holderOf(mark);
      if (seen !== undefined && seen !== holder) return false;
      // Remembered before the store call, so that a claim whose call fails (an outage) still counts
      // here; forgotten when the store refuses it, or a claim refused just before the store's own
      // expiry would hold the mark in this process for the whole TTL against every later holder.
      recent.remember(mark, holder, ttlMs);
      const granted = await driver.setIfAbsent(storeKeys.dedupe(mark), ttlMs, holder);
      if (!granted) recent.forget(mark, holder);
      return granted;
    },
    claimHere: (mark: string, ttlMs: number, holder: string) => {
      const seen = recent.holderOf(mark);
      if (seen !== undefined && seen !== holder) return false;
      recent.remember(mark, holder, ttlMs);
      return true;
    },
  };
}
