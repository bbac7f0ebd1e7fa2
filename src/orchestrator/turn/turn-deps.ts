import type { Backend } from '../../backends/backend.js';
import type { Profiles } from '../../config/profiles/types.js';
import type { RunConfig } from '../../config/types.js';
import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { Store } from '../../store/types.js';
import type { FunctionDefinition, ToolContext, ToolResult } from '../../tools/tool.js';
import type { Approvals } from '../approvals/approvals.js';

/** The part of the tool registry a turn needs. */
export interface ToolExecutor {
  execute(
    call: { name: string; arguments: string },
    context: ToolContext & { timeoutMs: number },
  ): Promise<ToolResult>;
  /** The tools there are, as declared to the model: a profile's function tools are picked from these. */
  definitions?(): readonly FunctionDefinition[];
  /** Whether calls of this tool wait for a person's approval (none do when absent). */
  requiresApproval?(name: string): boolean;
}

/** Everything one turn works with. */
export interface TurnDeps {
  backend: Backend;
  store: Store;
  tools: ToolExecutor;
  run: RunConfig;
  logger: Logger;
  now: () => number;
  /** The profiles in force (read per turn); without them, runs use the backend's own configuration. */
  profiles?: () => Profiles;
  /** Tool calls that need a person's approval wait here. */
  approvals: Approvals;
  /** Stops the run's deadline while a call waits for approval; returns the release. */
  holdTimer?: () => () => void;
  /**
   * Runs a store call the turn cannot start without, tried again while the store cannot be reached
   * (up to STORE_HOLD_MS, as a message is held at intake); without it, tried once.
   */
  whileStoreAway?: <T>(key: ConversationKey, call: () => Promise<T>) => Promise<T>;
}

/** Why a turn's signal was aborted. */
export type AbortReason = 'cancel' | 'timeout' | 'shutdown';

/** How a turn ended: `suspended` when shutdown stopped it mid-run, left for the next start to resume. */
export type TurnOutcome = 'ended' | 'suspended';
