import { randomUUID } from 'node:crypto';
import type { StoreDriver } from './driver.js';
import { StoreUnavailableError } from './store-failures.js';

/** How a driver's calls are retried while the store is unreachable. */
export interface RetryOptions {
  /** STORE_RETRY_MS: a call is tried again for up to this long after its first failure; 0: never. */
  retryMs: number;
  /** Told of each retry (for a debug log line). */
  onRetry?: (operation: string, attempt: number, error: StoreUnavailableError) => void;
  /** Testing hooks. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The backoff between tries: doubles from the first pause up to the longest. */
export const DEFAULT_RETRY_BACKOFF = { firstMs: 50, maxMs: 1_000 } as const satisfies Record<string, number>;

/**
 * Calls whose second run changes nothing more than the first: retried even when the first may have
 * gone through (its answer lost with the connection). The others (counters, list pushes and takes, log appends)
 * are retried only when the first surely did not reach the store: a usage count or a handed-over
 * message must not be doubled, and a list taken whose answer was lost cannot be taken again anyway.
 */
const IDEMPOTENT = new Set<keyof StoreDriver>([
  'get',
  'set',
  'delete',
  'setIfAbsent',
  'counters',
  'addMember',
  'removeMember',
  'members',
  'lease',
  'endLease',
  'leaseHolder',
  'countItems',
  'readLog',
  'deleteLog',
]);

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Wraps a driver so that a call failing because the store is unreachable (a Redis restart or
 * failover, a busy SQLite file) is tried again with backoff for up to `retryMs`, and only then fails
 * with the last StoreUnavailableError: a blink of the store costs a turn a pause, not an error.
 * `ping`, `close` and the signals pass straight through; so does any other StoreError (a closed store, a bad reply).
 */
export function withRetries(driver: StoreDriver, options: RetryOptions): StoreDriver {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepFor;
  const retry = async <T>(operation: keyof StoreDriver, run: () => Promise<T>): Promise<T> => {
    let deadline: number | undefined;
    let pause: number = DEFAULT_RETRY_BACKOFF.firstMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        if (error.applied === 'maybe' && !IDEMPOTENT.has(operation)) throw error;
        deadline ??= now() + options.retryMs;
        const left = deadline - now();
        if (left <= 0) throw error;
        options.onRetry?.(operation, attempt, error);
        await sleep(Math.min(pause, left));
        pause = Math.min(pause * 2, DEFAULT_RETRY_BACKOFF.maxMs);
      }
    }
  };
  return {
    kind: driver.kind,
    get: <T>(key: string) => retry('get', () => driver.get<T>(key)),
    set: (key, value) => retry('set', () => driver.set(key, value)),
    delete: (key) => retry('delete', () => driver.delete(key)),
    // One holder for every try of this call, so that a try whose answer was lost is recognised.
    setIfAbsent: (key, ttlMs, holder = randomUUID()) =>
      retry('setIfAbsent', () => driver.setIfAbsent(key, ttlMs, holder)),
    increment: (keys, amounts) => retry('increment', () => driver.increment(keys, amounts)),
    hit: (key, ttlMs) => retry('hit', () => driver.hit(key, ttlMs)),
    counters: (key) => retry('counters', () => driver.counters(key)),
    addMember: (key, member) => retry('addMember', () => driver.addMember(key, member)),
    removeMember: (key, member) => retry('removeMember', () => driver.removeMember(key, member)),
    members: (key) => retry('members', () => driver.members(key)),
    lease: (key, owner, ttlMs) => retry('lease', () => driver.lease(key, owner, ttlMs)),
    endLease: (key, owner) => retry('endLease', () => driver.endLease(key, owner)),
    pushItem: (key, item) => retry('pushItem', () => driver.pushItem(key, item)),
    takeItems: (key) => retry('takeItems', () => driver.takeItems(key)),
    countItems: (key) => retry('countItems', () => driver.countItems(key)),
    leaseHolder: (key) => retry('leaseHolder', () => driver.leaseHolder(key)),
    // Signals are a wake-up only, the store keeps what they are about: never held up by retries.
    publish: (channel, message) => driver.publish(channel, message),
    subscribe: (channel, listener) => driver.subscribe(channel, listener),
    // An append whose answer was lost may have gone in: not tried again then (no event twice).
    appendLog: (key, item) => retry('appendLog', () => driver.appendLog(key, item)),
    readLog: (key, after, limit) => retry('readLog', () => driver.readLog(key, after, limit)),
    deleteLog: (key) => retry('deleteLog', () => driver.deleteLog(key)),
    ping: () => driver.ping(),
    close: () => driver.close(),
  };
}
