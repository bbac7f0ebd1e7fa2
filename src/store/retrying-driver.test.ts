import { describe, expect, it } from 'vitest';
import { StoreError } from '../core/errors.js';
import type { StoreDriver } from './driver.js';
import { withRetries } from './retrying-driver.js';
import { openSqliteDriver } from './sqlite-driver.js';
import { type Applied, StoreUnavailableError } from './store-failures.js';

/** A real in-memory driver whose `operation` fails `times` times first, as an unreachable store would. */
async function flaky(operation: 'get' | 'increment', applied: Applied, times: number) {
  const real = await openSqliteDriver(':memory:', 'ns');
  const calls = { count: 0 };
  const failing = <T>(run: () => Promise<T>) => {
    calls.count += 1;
    if (calls.count <= times) {
      return Promise.reject(new StoreUnavailableError(`${operation} failed`, applied));
    }
    return run();
  };
  const driver: StoreDriver = {
    ...real,
    get: <T>(key: string) => failing(() => real.get<T>(key)),
    increment: (keys, amounts) => failing(() => real.increment(keys, amounts)),
  };
  return { driver, calls, close: () => real.close() };
}

/** A clock the retries' sleeps move forward, so no test waits for real time. */
function virtualTime() {
  let at = 0;
  return {
    now: () => at,
    sleep: async (ms: number) => {
      at += ms;
    },
  };
}

describe('withRetries', () => {
  it('retries a call while the store is unreachable and answers once it is back', async () => {
    const { driver, calls, close } = await flaky('get', 'maybe', 3);
    const retried: number[] = [];
    const store = withRetries(driver, {
      retryMs: 5_000,
      onRetry: (_, n) => retried.push(n),
      ...virtualTime(),
    });
    await store.set('k', 'v');
    expect(await store.get('k')).toBe('v');
    expect(calls.count).toBe(4);
    expect(retried).toEqual([1, 2, 3]);
    await close();
  });

  it('gives up with the last StoreUnavailableError once retryMs has passed', async () => {
    const { driver, close } = await flaky('get', 'no', Number.POSITIVE_INFINITY);
    const time = virtualTime();
    const store = withRetries(driver, { retryMs: 5_000, ...time });
    await expect(store.get('k')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(time.now()).toBe(5_000);
    await close();
  });

  it('does not run a counter again when its first try may have gone through', async () => {
    const { driver, calls, close } = await flaky('increment', 'maybe', 1);
    const store = withRetries(driver, { retryMs: 5_000, ...virtualTime() });
    await expect(store.increment(['c'], { n: 1 })).rejects.toMatchObject({ applied: 'maybe' });
    expect(calls.count).toBe(1);
    expect(await store.counters('c')).toEqual({});
    await close();
  });

  it('runs a counter again when its first try surely did not reach the store', async () => {
    const { driver, calls, close } = await flaky('increment', 'no', 1);
    const store = withRetries(driver, { retryMs: 5_000, ...virtualTime() });
    await store.increment(['c'], { n: 1 });
    expect(calls.count).toBe(2);
    expect(await store.counters('c')).toEqual({ n: 1 });
    await close();
  });

  it('does not retry a closed store', async () => {
    const real = await openSqliteDriver(':memory:', 'ns');
    const store = withRetries(real, { retryMs: 60_000 });
    await real.close();
    const failure = await store.get('k').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect(failure).not.toBeInstanceOf(StoreUnavailableError);
  });

  it('recognises its own claim when the answer to the first try was lost', async () => {
    const real = await openSqliteDriver(':memory:', 'ns');
    let lost = true;
    const driver: StoreDriver = {
      ...real,
      // The first try creates the mark, then its answer is lost with the connection.
      setIfAbsent: async (key, ttlMs, holder) => {
        const created = await real.setIfAbsent(key, ttlMs, holder);
        if (!lost) return created;
        lost = false;
        throw new StoreUnavailableError('claim failed', 'maybe');
      },
    };
    const store = withRetries(driver, { retryMs: 5_000, ...virtualTime() });
    expect(await store.setIfAbsent('mark', 60_000)).toBe(true);
    expect(await store.setIfAbsent('mark', 60_000)).toBe(false);
    await real.close();
  });
});
