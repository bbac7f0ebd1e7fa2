import { randomUUID } from 'node:crypto';
import type { ConversationKey } from '../../core/conversation.js';
import type { RunRecord } from '../../store/types.js';
import { Approvals, DEFAULT_APPROVAL_TIMEOUT_MS } from '../approvals/approvals.js';
import type { OrchestratorOptions } from '../orchestrator-options.js';
import { ArrivalGate } from './arrival-gate.js';
import { ConversationClaims } from './claims.js';
import { InstanceSignals } from './instance-signals.js';
import { TakeOverWatch } from './take-over.js';

/** What the parts need of the orchestrator: the conversations it runs here. */
export interface ConversationsHere {
  isHere(key: ConversationKey): boolean;
  stopping(): boolean;
  /** Stops the conversation's run here: true when one was going. */
  cancel(key: ConversationKey): boolean;
  reset(key: ConversationKey): Promise<void>;
  /** Starts working in a conversation whose lease this instance has just taken. */
  begin(key: ConversationKey, leftovers: RunRecord[]): void;
}

/** How this instance works beside the others sharing its store, and waits for approvals. */
export interface InstanceParts {
  claims: ConversationClaims;
  approvals: Approvals;
  /** Stops, resets, decisions and hand-overs to and from the other instances sharing the store. */
  signals: InstanceSignals;
  /** Keeps the platform's order across instances. */
  arrivals: ArrivalGate;
  /** Takes up what a crashed or stopped instance left. */
  takeOvers: TakeOverWatch;
}

/** Builds the parts for one orchestrator, wired to each other and to its conversations. */
export function instanceParts(
  options: OrchestratorOptions,
  now: () => number,
  here: ConversationsHere,
): InstanceParts {
  const { store, logger } = options;
  const instanceId = options.instanceId ?? randomUUID();
  // Only Redis is shared by several instances; on SQLite everything happens in this process.
  const shared = store.kind === 'redis';
  const claims = new ConversationClaims(store, instanceId, options.run.conversationLeaseMs, logger);
  const approvals: Approvals = new Approvals(store.approvals, {
    timeoutMs: options.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
    now,
    logger,
    ...(options.approvalPollMs === undefined ? {} : { pollMs: options.approvalPollMs }),
    onDecided: (record) =>
      void signals.tellHolder({ kind: 'approval', key: record.key, approvalId: record.id }),
  });
  const arrivals = new ArrivalGate(store, claims, {
    shared,
    now,
    logger,
    ...(options.orderSettleMs === undefined ? {} : { settleMs: options.orderSettleMs }),
  });
  const signals: InstanceSignals = new InstanceSignals(store, claims, instanceId, logger, {
    cancel: here.cancel,
    reset: here.reset,
    approvalDecided: (approvalId) => approvals.wakeUp(approvalId),
    handedOver: (key) => arrivals.wake(key),
  });
  const takeOvers = new TakeOverWatch({
    store,
    claims,
    backend: options.backend.name,
    logger,
    intervalMs: shared ? options.run.conversationLeaseMs / 3 : undefined,
    isHere: here.isHere,
    stopping: here.stopping,
    begin: here.begin,
  });
  return { claims, approvals, signals, arrivals, takeOvers };
}
