import type { Keyv } from 'keyv';
import { type ClosedGuard, type StoreDriver, storeCall } from './driver.js';

/** The plain-record part of a driver, the same on both stores: keyv get/set/delete, errors wrapped. */
export type KeyvRecords = Pick<StoreDriver, 'get' | 'set' | 'delete'>;

/**
 * Plain records through keyv. `keyv` must be built with `throwOnErrors: true`: by default keyv (and
 * @keyv/redis) swallow store failures, so a get would answer "not found" while the store is down.
 */
export function keyvRecords(keyv: Keyv, guard: ClosedGuard): KeyvRecords {
  return {
    get: <T>(key: string) =>
      storeCall('get', key, async () => {
        guard.check();
        return (await keyv.get<T>(key)) ?? undefined;
      }),
    set: (key, value) =>
      storeCall('set', key, async () => {
        guard.check();
        await keyv.set(key, value);
      }),
    delete: (key) =>
      storeCall('delete', key, async () => {
        guard.check();
        await keyv.delete(key);
      }),
  };
}
