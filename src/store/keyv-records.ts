import type { Keyv } from 'keyv';
import { type ClosedGuard, type StoreDriver, storeCall } from './driver.js';
import type { FailureClassifier } from './store-failures.js';

/** The plain-record part of a driver, the same on both stores: keyv get/set/delete, errors wrapped. */
export type KeyvRecords = Pick<StoreDriver, 'get' | 'set' | 'delete'>;

/**
 * Plain records through keyv. `keyv` must be built with `throwOnErrors: true`: by default keyv (and
 * @keyv/redis) swallow store failures, so a get would answer "not found" while the store is down.
 * `classify` tells which failures mean the store was unreachable (see store-failures.ts).
 */
export function keyvRecords(keyv: Keyv, guard: ClosedGuard, classify: FailureClassifier): KeyvRecords {
  const call = <T>(operation: string, key: string, run: () => Promise<T>) =>
    storeCall(
      operation,
      key,
      () => {
        guard.check();
        return run();
      },
      classify,
    );
  return {
    get: <T>(key: string) => call('get', key, async () => (await keyv.get<T>(key)) ?? undefined),
    set: (key, value) => call('set', key, async () => void (await keyv.set(key, value))),
    delete: (key) => call('delete', key, async () => void (await keyv.delete(key))),
  };
}
