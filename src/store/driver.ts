import { StoreError } from '../core/errors.js';
import { type FailureClassifier, StoreUnavailableError } from './store-failures.js';

/**
 * The few primitives the repositories need, implemented once per backing store. Plain records go
 * through keyv; the compound operations (claim, counters, sets) are where SQLite and Redis differ:
 * Redis does them atomically on the server, SQLite serializes them inside the one process that owns
 * the file. Keys are relative to the store's namespace; see keys.ts for the layout.
 */
export interface StoreDriver {
  readonly kind: 'sqlite' | 'redis';
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Creates `key` with a TTL unless it exists; true when this call created it. With `holder`, a key
   * that already holds that holder's value counts as created too: a call retried after its answer was
   * lost must not take its own earlier success for someone else's.
   */
  setIfAbsent(key: string, ttlMs: number, holder?: string): Promise<boolean>;
  /** Adds each amount to the named counter of every record in `keys`, as one update (missing counters start at 0). */
  increment(keys: readonly string[], amounts: Readonly<Record<string, number>>): Promise<void>;
  /**
   * Adds one to the plain counter at `key` and returns the new count; a new counter expires after
   * `ttlMs`. Atomic across instances on Redis (rate limits are shared).
   */
  hit(key: string, ttlMs: number): Promise<number>;
  /** Every counter of the record at `key`; empty when there is none. */
  counters(key: string): Promise<Record<string, number>>;
  addMember(key: string, member: string): Promise<void>;
  removeMember(key: string, member: string): Promise<void>;
  members(key: string): Promise<string[]>;
  /**
   * Takes the lease at `key` for `owner`, or extends it when `owner` holds it already; false when
   * someone else holds it. A lease its owner stops extending expires after `ttlMs`. Atomic on Redis.
   */
  lease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Ends `owner`'s lease at `key`; a lease that expired or passed to someone else is left alone. */
  endLease(key: string, owner: string): Promise<void>;
  /** Who holds the lease at `key` now; undefined when nobody does (never taken, let go or expired). */
  leaseHolder(key: string): Promise<string | undefined>;
  /** Appends `item` to the list at `key`. */
  pushItem(key: string, item: string): Promise<void>;
  /** Removes and returns every item of the list at `key`, oldest first, in one step. */
  takeItems(key: string): Promise<string[]>;
  /** How many items the list at `key` holds. */
  countItems(key: string): Promise<number>;
  /**
   * Sends `message` to whoever listens on `channel` (relative to the namespace) and resolves with how
   * many listeners got it: fire and forget, nothing is kept for a listener that is not there.
   */
  publish(channel: string, message: string): Promise<number>;
  /**
   * Calls `listener` with every message published on `channel` from now on; resolves once listening,
   * with the function that stops it. Redis listens on a connection of its own.
   */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /**
   * Appends `item` to the log at `key` and returns its position (1, 2, 3...): positions never change
   * and are never reused while the log lives. Atomic across instances on Redis.
   */
  appendLog(key: string, item: string): Promise<number>;
  /** The log's items after position `after`, oldest first, at most `limit` of them. */
  readLog(key: string, after: number, limit: number): Promise<LogEntry[]>;
  /** Deletes the whole log at `key`. */
  deleteLog(key: string): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** One item of a log, with its position. */
export interface LogEntry {
  position: number;
  item: string;
}

/**
 * Runs one store operation, turning any failure into a {@link StoreError} so callers can route on
 * `code` without knowing which library failed: a {@link StoreUnavailableError} when `classify` says the
 * store was unreachable (worth a retry), a plain StoreError otherwise. Programming errors (RangeError
 * from argument checks) pass through unchanged: they are bugs, not an unavailable store.
 */
export async function storeCall<T>(
  operation: string,
  key: string,
  run: () => Promise<T>,
  classify: FailureClassifier = () => undefined,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StoreError || error instanceof RangeError) throw error;
    const message = `store ${operation} failed for key ${JSON.stringify(key)}`;
    const applied = classify(error);
    if (applied !== undefined) throw new StoreUnavailableError(message, applied, { cause: error });
    throw new StoreError(message, { cause: error });
  }
}

/** Rejects a TTL that Redis (PX) and keyv could not honour the same way. */
export function checkTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be > 0, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}

/** Rejects counter increments Redis HINCRBY would refuse, so both stores accept the same inputs. */
export function checkAmounts(amounts: Readonly<Record<string, number>>): void {
  for (const [field, amount] of Object.entries(amounts)) {
    if (!Number.isSafeInteger(amount)) throw new RangeError(`${field} must be an integer, got ${amount}`);
  }
}

/** Fails calls made after close(), instead of letting a library silently reconnect. */
export class ClosedGuard {
  #closed = false;

  get closed(): boolean {
    return this.#closed;
  }

  /** Throws a StoreError once the store has been closed. */
  check(): void {
    if (this.#closed) throw new StoreError('store is closed');
  }

  /** Marks the store closed; returns false if it already was (so close() can be idempotent). */
  close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    return true;
  }
}
