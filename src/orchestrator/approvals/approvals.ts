import { createHash } from 'node:crypto';
import type { DecideResult, Decider } from '../../core/approval.js';
import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { ReplyEvent } from '../../core/reply-events.js';
import type { ApprovalDecision, ApprovalRecord, ApprovalRepository } from '../../store/types.js';

export type { DecideResult, Decider } from '../../core/approval.js';

/** Ten minutes: long enough to notice a prompt, short enough that a forgotten one does not hold a run. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 600_000;

/**
 * How often a waiting call looks at the store anyway. Decisions made here wake it at once, and one
 * made on another instance (a click that reached another process) is signalled to this one; this
 * slow sweep only covers a signal lost on the way.
 */
export const DEFAULT_APPROVAL_POLL_MS = 5_000;

/** A tool call that needs a person's approval before it runs. */
export interface ApprovalCall {
  key: ConversationKey;
  /** The function call id, or the MCP approval request id. */
  callId: string;
  tool: string;
  server?: string;
  arguments: string;
  requesterId: string;
}

/** What a waiting call ends with; `suspended`: the process is shutting down and the approval stays pending. */
export type ApprovalResult = ApprovalDecision | 'suspended';

export interface ApprovalsOptions {
  timeoutMs: number;
  now: () => number;
  logger: Logger;
  pollMs?: number;
  /** A decision was recorded: the run waiting for it may be on another instance. */
  onDecided?: (record: ApprovalRecord) => void;
}

/** An approval's id: the same call in the same conversation (a resumed run) always gets the same one. */
export function approvalIdOf(key: ConversationKey, callId: string): string {
  return createHash('sha256').update(`${key}\n${callId}`).digest('base64url').slice(0, 22);
}

/**
 * Pending approvals: a call waits here until a person decides, the approval times out (denied) or its
 * run stops. Everything is in the store, so a restarted process finds a pending approval again (same
 * call, same approval: no second prompt) and honours a decision recorded before it went down.
 */
export class Approvals {
  private readonly wake = new Map<string, () => void>();
  /**
   * Approvals waited for here, and those woken while not asleep (reading the store): a decision
   * signalled during that read is looked for again at once instead of at the next poll.
   */
  private readonly waiting = new Map<string, { woken: boolean }>();
  /** Per conversation, the last prompt being opened: the next one waits for it. */
  private readonly opening = new Map<ConversationKey, Promise<void>>();

  constructor(
    private readonly repository: ApprovalRepository,
    private readonly options: ApprovalsOptions,
  ) {}

  /**
   * Asks for a decision on `call` (or takes up the pending approval the call already has) and waits
   * for it. Emits `approval.requested`, then `approval.decided` unless the process is shutting down.
   */
  async wait(
    call: ApprovalCall,
    emit: (event: ReplyEvent) => void,
    signal: AbortSignal,
  ): Promise<ApprovalResult> {
    // Calls of one round are asked about in the order the model made them, though each waits on the
    // store first: prompts are opened one after the other per conversation.
    const previous = this.opening.get(call.key) ?? Promise.resolve();
    const opened = previous.then(() => this.ask(call, emit));
    const settled = opened.then(
      () => undefined,
      () => undefined,
    );
    this.opening.set(call.key, settled);
    void settled.then(() => {
      if (this.opening.get(call.key) === settled) this.opening.delete(call.key);
    });
    const record = await opened;
    const decision = record.decision ?? (await this.until(record, signal));
    if (decision === undefined) return 'suspended';
    emit({
      type: 'approval.decided',
      approvalId: record.id,
      outcome: decision.outcome,
      ...('by' in decision ? { by: decision.by } : {}),
    });
    return decision;
  }

  /** Opens the approval (or finds the one the call already has) and shows the prompt. */
  private async ask(call: ApprovalCall, emit: (event: ReplyEvent) => void): Promise<ApprovalRecord> {
    const now = this.options.now();
    const record = await this.repository.open({
      id: approvalIdOf(call.key, call.callId),
      key: call.key,
      callId: call.callId,
      tool: call.tool,
      ...(call.server === undefined ? {} : { server: call.server }),
      arguments: call.arguments,
      requesterId: call.requesterId,
      requestedAt: now,
      expiresAt: now + this.options.timeoutMs,
    });
    emit({
      type: 'approval.requested',
      approvalId: record.id,
      tool: record.tool,
      ...(record.server === undefined ? {} : { server: record.server }),
      arguments: record.arguments,
      requesterId: record.requesterId,
      expiresAt: record.expiresAt,
    });
    return record;
  }

  /** A person's click: recorded once, if they may decide and the approval is still pending. */
  async decide(approvalId: string, decider: Decider): Promise<DecideResult> {
    const record = await this.repository.get(approvalId);
    if (!record) return 'unknown';
    if (record.decision) return 'already_decided';
    if (decider.userId !== record.requesterId && !decider.isApprover) return 'not_allowed';
    const at = this.options.now();
    const decision: ApprovalDecision =
      at >= record.expiresAt
        ? { outcome: 'timeout', at }
        : { outcome: decider.approve ? 'approved' : 'denied', by: decider.userId, at };
    const recorded = await this.repository.decide(approvalId, decision);
    this.wakeUp(approvalId);
    if (recorded) this.options.onDecided?.(record);
    return recorded && decision.outcome !== 'timeout' ? 'accepted' : 'already_decided';
  }

  /** A decision for the approval was recorded (here or elsewhere): a call waiting here looks now. */
  wakeUp(approvalId: string): void {
    const waiting = this.waiting.get(approvalId);
    if (waiting) waiting.woken = true;
    this.wake.get(approvalId)?.();
  }

  /** The conversation's turn is over: its approvals are forgotten (a late click is `unknown`). */
  async forget(key: ConversationKey): Promise<void> {
    await this.repository.deleteFor(key).catch((err: unknown) => {
      this.options.logger.warn({ err, conversation: key }, 'could not forget the approvals of a turn');
    });
  }

  /** Waits for the decision; undefined when shutdown leaves the approval pending for the next start. */
  private async until(record: ApprovalRecord, signal: AbortSignal): Promise<ApprovalDecision | undefined> {
    const waiting = { woken: false };
    this.waiting.set(record.id, waiting);
    try {
      return await this.poll(record, signal, waiting);
    } finally {
      if (this.waiting.get(record.id) === waiting) this.waiting.delete(record.id);
    }
  }

  private async poll(
    record: ApprovalRecord,
    signal: AbortSignal,
    waiting: { woken: boolean },
  ): Promise<ApprovalDecision | undefined> {
    const pollMs = this.options.pollMs ?? DEFAULT_APPROVAL_POLL_MS;
    for (;;) {
      waiting.woken = false;
      const current = await this.repository.get(record.id);
      if (current?.decision) return current.decision;
      const now = this.options.now();
      if (signal.aborted) {
        if (signal.reason === 'shutdown') return undefined;
        return this.close(record, { outcome: 'cancelled', at: now });
      }
      if (now >= record.expiresAt) return this.close(record, { outcome: 'timeout', at: now });
      if (!waiting.woken) await this.sleep(record.id, Math.min(pollMs, record.expiresAt - now), signal);
    }
  }

  /** Records how the wait ended, unless a person's decision got in first. */
  private async close(record: ApprovalRecord, decision: ApprovalDecision): Promise<ApprovalDecision> {
    if (await this.repository.decide(record.id, decision)) return decision;
    return (await this.repository.get(record.id))?.decision ?? decision;
  }

  private sleep(id: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        if (this.wake.get(id) === done) this.wake.delete(id);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake.set(id, done);
    });
  }
}
