import type { Backend } from '../backends/backend.js';
import type { Profiles } from '../config/profiles/types.js';
import type { LimitsConfig, RunConfig, StoreOutageConfig } from '../config/types.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import type { Store } from '../store/types.js';
import type { ToolExecutor } from './turn/turn-deps.js';

/** What the orchestrator is built from (see `Orchestrator`). */
export interface OrchestratorOptions {
  backend: Backend;
  store: Store;
  tools: ToolExecutor;
  run: RunConfig;
  /** Access and cost limits; none when absent. */
  limits?: LimitsConfig;
  logger: Logger;
  metrics?: Metrics;
  now?: () => number;
  /**
   * This instance, as the owner of conversation leases in a shared store. Must differ between
   * instances running at once; stable across restarts lets a restarted instance take its
   * conversations back at once. A random id when absent.
   */
  instanceId?: string;
  /** The assistant profiles in force (`ProfileSource.current`); passed on to every turn. */
  profiles?: () => Profiles;
  /** APPROVAL_TIMEOUT_MS: a tool call waiting for approval counts as denied after this. */
  approvalTimeoutMs?: number;
  /** Testing hook: how often a waiting approval looks at the store. */
  approvalPollMs?: number;
  /** STORE_HOLD_MS: how long a message that arrives while the store is unreachable is held (default 60 s). */
  storeOutage?: Pick<StoreOutageConfig, 'holdMs'>;
  /** Testing hook: how often a store that does not answer is looked at while messages are held. */
  storeWatch?: { firstMs: number; maxMs: number };
  /** Testing hook: how long a turn waits for earlier messages on their way (see `DEFAULT_ORDER_SETTLE_MS`). */
  orderSettleMs?: number;
}

/**
 * What became of a submitted message. `refused`: over a rate limit or budget (the user was told).
 * `not_taken`: the store stayed unreachable past STORE_HOLD_MS (the user was asked to send it again).
 */
export type SubmitOutcome = 'started' | 'queued' | 'duplicate' | 'queue_full' | 'refused' | 'not_taken';
