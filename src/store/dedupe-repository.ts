import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import type { DedupeRepository } from './types.js';

/**
 * Processed-event marks, so a redelivered platform event gets one answer. The claim is a single
 * create-if-absent: atomic on the Redis server across instances (SET NX PX), and serialized within the
 * one process that owns a SQLite file (SQLite mode is single-instance).
 */
export function createDedupeRepository(driver: StoreDriver): DedupeRepository {
  return {
    claim: (mark: string, ttlMs: number) => driver.setIfAbsent(storeKeys.dedupe(mark), ttlMs),
  };
}
