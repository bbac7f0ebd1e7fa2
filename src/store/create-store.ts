import type { StoreConfig } from '../config/types.js';
import { createApprovalRepository } from './approval-repository.js';
import { createAssistantRepository } from './assistant-repository.js';
import { createDedupeRepository } from './dedupe-repository.js';
import type { StoreDriver } from './driver.js';
import { createFollowRepository } from './follow-repository.js';
import {
  createArrivalRepository,
  createConversationLeaseRepository,
  createHandoffRepository,
  createSignalRepository,
} from './handoff-repository.js';
import { createRateLimitRepository } from './rate-limit-repository.js';
import { openRedisDriver } from './redis-driver.js';
import { type RetryOptions, withRetries } from './retrying-driver.js';
import { createRunRepository } from './run-repository.js';
import { openSqliteDriver, SQLITE_BUSY_TIMEOUT_MS } from './sqlite-driver.js';
import { createThreadRepository } from './thread-repository.js';
import type { Store } from './types.js';
import { createUsageRepository } from './usage-repository.js';
import { createWebChatRepository } from './web-chat-repository.js';

/** Options for {@link createStore}; every member has a default in {@link DEFAULT_STORE_OPTIONS}. */
export interface StoreOptions {
  /** Prefix for every key, so several bots (or test runs) can share one Redis or SQLite file. */
  namespace?: string;
  /** How long start-up may wait for Redis before failing with a StoreError. */
  connectTimeoutMs?: number;
  /**
   * STORE_RETRY_MS: how long a call is retried while the store is unreachable before it fails
   * (see `withRetries`); 0 fails at once.
   */
  retryMs?: number;
  /** Told of each retry (a debug log line). */
  onRetry?: RetryOptions['onRetry'];
  /** How long an SQLite statement waits on a locked file before it fails (see `SQLITE_BUSY_TIMEOUT_MS`). */
  sqliteBusyTimeoutMs?: number;
}

/** Defaults for {@link StoreOptions}. */
export const DEFAULT_STORE_OPTIONS = {
  namespace: 'threadloom',
  connectTimeoutMs: 5_000,
  retryMs: 5_000,
  sqliteBusyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS,
} as const satisfies Required<Omit<StoreOptions, 'onRetry'>>;

/**
 * Opens the store the config names: an embedded SQLite file (its directory is created) or Redis.
 * Resolves once the store answers, so a wrong path or an unreachable server stops start-up with a
 * StoreError naming it (Redis credentials masked) rather than failing on the first message. Once
 * open, a call made while the store is unreachable is retried for up to `retryMs`.
 */
export async function createStore(config: StoreConfig, options: StoreOptions = {}): Promise<Store> {
  const namespace = options.namespace ?? DEFAULT_STORE_OPTIONS.namespace;
  const driver =
    config.kind === 'sqlite'
      ? await openSqliteDriver(
          config.path,
          namespace,
          options.sqliteBusyTimeoutMs ?? DEFAULT_STORE_OPTIONS.sqliteBusyTimeoutMs,
        )
      : await openRedisDriver(
          config.url,
          namespace,
          options.connectTimeoutMs ?? DEFAULT_STORE_OPTIONS.connectTimeoutMs,
        );
  const retryMs = options.retryMs ?? DEFAULT_STORE_OPTIONS.retryMs;
  return storeOn(
    withRetries(driver, { retryMs, ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }) }),
  );
}

/** The repositories over one driver. */
function storeOn(driver: StoreDriver): Store {
  return {
    kind: driver.kind,
    threads: createThreadRepository(driver),
    assistants: createAssistantRepository(driver),
    runs: createRunRepository(driver),
    dedupe: createDedupeRepository(driver),
    usage: createUsageRepository(driver),
    follows: createFollowRepository(driver),
    rateLimits: createRateLimitRepository(driver),
    leases: createConversationLeaseRepository(driver),
    handoffs: createHandoffRepository(driver),
    arrivals: createArrivalRepository(driver),
    signals: createSignalRepository(driver),
    approvals: createApprovalRepository(driver),
    web: createWebChatRepository(driver),
    ping: () => driver.ping(),
    close: () => driver.close(),
  };
}
