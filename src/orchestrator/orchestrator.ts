import { randomUUID } from 'node:crypto';
import type { ConversationKey } from '../core/conversation.js';
import { USER_MESSAGES } from '../core/errors.js';
import type { InboundMessage } from '../core/messages.js';
import { type Metrics, NO_METRICS } from '../core/metrics.js';
import type { ReplyRenderer } from '../core/renderer.js';
import type { RunRecord } from '../store/types.js';
import { refusalFor } from './access.js';
import { Approvals, DEFAULT_APPROVAL_TIMEOUT_MS, type DecideResult, type Decider } from './approvals.js';
import { ConversationClaims } from './claims.js';
import { DEFAULT_DEDUPE_TTL_MS, IntakeHold } from './intake-hold.js';
import type { OrchestratorOptions, SubmitOutcome } from './orchestrator-options.js';
import { playTurn } from './play-turn.js';
import { ReplyRouter } from './reply-router.js';
import { resumedMessage } from './run-ledger.js';
import type { AbortReason } from './run-turn.js';

export { DEFAULT_DEDUPE_TTL_MS } from './intake-hold.js';

export type { OrchestratorOptions, SubmitOutcome } from './orchestrator-options.js';

interface Conversation {
  queue: InboundMessage[];
  /** Aborts the active turn; present while a turn runs. */
  controller: AbortController | undefined;
  /** Settles when the conversation has nothing left to do. */
  idle: Promise<void>;
  /** Resets asked for while a turn ran: done between turns, then these resolve. */
  resets: (() => void)[];
  /** A run a crashed or stopped process left unfinished: picked up before anything else. */
  resume?: RunRecord;
}

/**
 * The platform-free heart of the bot: one run at a time per conversation, later messages queued and
 * batched into the next run, reply events streamed to the adapter that owns the conversation.
 */
export class Orchestrator {
  private readonly router: ReplyRouter;
  private readonly conversations = new Map<ConversationKey, Conversation>();
  /** Takes submitted messages in, in order per conversation, holding them while the store is unreachable. */
  private readonly intake: IntakeHold;
  private readonly now: () => number;
  private readonly metrics: Metrics;
  private readonly claims: ConversationClaims;
  /** Set by stop(): no conversation is taken up any more. */
  private stopping = false;
  private readonly approvals: Approvals;

  constructor(private readonly options: OrchestratorOptions) {
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics ?? NO_METRICS;
    this.router = new ReplyRouter(options.logger);
    this.claims = new ConversationClaims(
      options.store,
      options.instanceId ?? randomUUID(),
      options.run.conversationLeaseMs,
      options.logger,
    );
    this.intake = new IntakeHold(options.store, this.router, options.logger, { ...options, now: this.now });
    this.approvals = new Approvals(options.store.approvals, {
      timeoutMs: options.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
      now: this.now,
      logger: options.logger,
      ...(options.approvalPollMs === undefined ? {} : { pollMs: options.approvalPollMs }),
    });
  }

  /**
   * A person's Approve or Deny on a tool call waiting for approval: recorded once, if they are the
   * user who asked or an approver (the adapter says which), and the waiting call goes on.
   */
  decide(approvalId: string, decider: Decider): Promise<DecideResult> {
    return this.approvals.decide(approvalId, decider);
  }

  /** An adapter registers how to show replies for its platform (the first part of a conversation key). */
  registerRenderer(platform: string, renderer: ReplyRenderer): void {
    this.router.register(platform, renderer);
  }

  /**
   * Accepts a user message: it is answered once, whatever the platform redelivers. While the
   * conversation has a run going, the message waits and goes into the next run with the others.
   * While the store cannot be reached, it is held (STORE_HOLD_MS) and taken once the store is back;
   * held too long, its user is asked to send it again (`not_taken`).
   */
  submit(message: InboundMessage): Promise<SubmitOutcome> {
    // One conversation's messages are taken in the order they were submitted, even though taking
    // one waits on the store: otherwise a later message could overtake an earlier one.
    return this.intake.submit(message, (mark, holder) => this.accept(message, mark, holder));
  }

  /** `holder`: the same on every try of this message, so a claim that went through still counts. */
  private async accept(message: InboundMessage, mark: string, holder: string): Promise<SubmitOutcome> {
    const fresh = await this.options.store.dedupe.claim(mark, DEFAULT_DEDUPE_TTL_MS, holder);
    if (!fresh) return 'duplicate';
    if (this.options.limits) {
      const refusal = await refusalFor(
        message,
        this.options.limits,
        this.options.store,
        new Date(this.now()),
      );
      if (refusal) {
        await this.router.renderOnce(message, [
          { type: 'error', code: refusal.code, text: refusal.text, ...(refusal.repeat && { quiet: true }) },
        ]);
        return 'refused';
      }
    }
    return this.place(message);
  }

  /**
   * Puts a taken message where it is answered: behind the run going here, in a new run, or with the
   * instance running its conversation.
   */
  private async place(message: InboundMessage): Promise<SubmitOutcome> {
    if (this.conversations.has(message.key)) return this.enqueue(message);
    const held = await this.claims.hold(message.key);
    // The lease is per instance: a resumed run may have started here while we waited for it.
    if (this.conversations.has(message.key)) return this.enqueue(message);
    if (held) {
      this.begin(message.key, { queue: [message] });
      return 'started';
    }
    // Another instance is running this conversation: it takes the message into its next turn.
    if ((await this.claims.handedOverCount(message.key)) >= this.options.run.maxQueuedMessages)
      return this.queueFull(message);
    await this.claims.handOver(message);
    // It may have let go just before the message arrived: then this instance takes over.
    if ((await this.claims.hold(message.key)) && !this.conversations.has(message.key))
      this.begin(message.key, {});
    return 'queued';
  }

  /** Queues a message behind the conversation's run going here. */
  private enqueue(message: InboundMessage): Promise<SubmitOutcome> | SubmitOutcome {
    const conversation = this.conversations.get(message.key) as Conversation;
    if (conversation.queue.length >= this.options.run.maxQueuedMessages) return this.queueFull(message);
    conversation.queue.push(message);
    this.reportQueueDepth();
    return 'queued';
  }

  private async queueFull(message: InboundMessage): Promise<SubmitOutcome> {
    await this.router.renderOnce(message, [
      { type: 'error', code: 'queue_full', text: USER_MESSAGES.queue_full },
    ]);
    return 'queue_full';
  }

  /** Starts working in a conversation whose lease this instance holds. */
  private begin(key: ConversationKey, work: { queue?: InboundMessage[]; resume?: RunRecord }): void {
    const conversation: Conversation = {
      queue: work.queue ?? [],
      controller: undefined,
      idle: Promise.resolve(),
      resets: [],
      ...(work.resume ? { resume: work.resume } : {}),
    };
    this.conversations.set(key, conversation);
    conversation.idle = this.pump(key, conversation);
  }

  /**
   * Picks up what a crashed or stopped process left: runs unfinished at the service (each is
   * re-attached and its answer finished in place) and messages handed over but never answered. Call
   * once the adapters can render. A conversation whose lease another instance holds is left to it;
   * one held by a dead instance is taken once that lease expires. Returns how many were picked up now.
   */
  async resumeUnfinished(): Promise<number> {
    let resumed = 0;
    for (const record of await this.options.store.runs.list()) {
      if (record.backend !== this.options.backend.name) {
        // Made by the other backend before a configuration change: it cannot be followed from here.
        this.options.logger.warn(
          { conversation: record.key, runId: record.runId },
          'dropping a run of another backend',
        );
        await this.options.store.runs.delete(record.key);
        continue;
      }
      if (await this.takeOver(record.key)) resumed += 1;
      else void this.takeOverLater(record.key);
    }
    for (const key of await this.claims.waiting()) {
      if (!this.conversations.has(key) && (await this.takeOver(key))) resumed += 1;
    }
    return resumed;
  }

  /** Holds the conversation and resumes its unfinished run or waiting messages; false if held elsewhere. */
  private async takeOver(key: ConversationKey): Promise<boolean> {
    if (this.conversations.has(key)) return true;
    if (!(await this.claims.hold(key))) return false;
    // Read after taking the lease: the instance that held it may have finished the run meanwhile.
    const record = await this.options.store.runs.get(key);
    if (this.conversations.has(key)) return true;
    this.begin(key, record && record.backend === this.options.backend.name ? { resume: record } : {});
    return true;
  }

  /** A run whose conversation another instance holds: taken over if that lease runs out (a dead instance). */
  private async takeOverLater(key: ConversationKey): Promise<void> {
    const leaseMs = this.options.run.conversationLeaseMs;
    const deadline = this.now() + 3 * leaseMs;
    try {
      while (this.now() < deadline && !this.stopping) {
        await new Promise((resolve) => setTimeout(resolve, leaseMs / 3).unref());
        if (!(await this.options.store.runs.get(key))) return;
        if (await this.takeOver(key)) return;
      }
    } catch (err) {
      this.options.logger.warn({ err, conversation: key }, 'could not take over an unfinished run');
    }
  }

  /** Stops the conversation's active run, if any. Queued messages still get their turn. */
  cancel(key: ConversationKey): boolean {
    const controller = this.conversations.get(key)?.controller;
    if (!controller || controller.signal.aborted) return false;
    controller.abort('cancel' satisfies AbortReason);
    return true;
  }

  /** Is a run going (or are messages waiting) in this conversation? */
  isBusy(key: ConversationKey): boolean {
    return this.conversations.has(key);
  }

  /**
   * Starts the conversation afresh: the active run is cancelled and the old assistant thread is
   * deleted at the service; the next message creates a new one. Messages already waiting are kept
   * and go to the new thread.
   */
  async reset(key: ConversationKey): Promise<void> {
    const conversation = this.conversations.get(key);
    if (!conversation) return this.discardThread(key);
    const done = new Promise<void>((resolve) => conversation.resets.push(resolve));
    conversation.controller?.abort('cancel' satisfies AbortReason);
    return done;
  }

  /**
   * Stops the orchestrator: runs going (and messages already waiting) get up to `graceMs` to finish,
   * then whatever is left is aborted (its users are told it stopped) and this waits until all is idle.
   */
  async stop(graceMs = 0, reason: AbortReason = 'shutdown'): Promise<void> {
    if (graceMs > 0 && this.conversations.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([this.idle(), graceOver]);
      clearTimeout(timer);
    }
    this.stopping = true;
    // Messages held for an unreachable store are answered now: asked to send again.
    this.intake.stop();
    for (const [key, conversation] of this.conversations) {
      // Messages still waiting are left in the store: the next start (or another instance) answers them.
      const waiting = conversation.queue.splice(0);
      await Promise.all(
        waiting.map((m) =>
          this.claims.handOver(m).catch((err: unknown) => {
            this.options.logger.error({ err, conversation: key }, 'could not keep a waiting message');
            return this.intake.notTaken(m);
          }),
        ),
      );
      conversation.controller?.abort(reason);
    }
    await this.idle();
  }

  /** Settles once no conversation has a run going or messages waiting. */
  async idle(): Promise<void> {
    while (this.conversations.size > 0) {
      await Promise.all([...this.conversations.values()].map((c) => c.idle));
    }
  }

  /**
   * Works through the conversation while this instance holds its lease: a resumed run first, then
   * resets and turns, taking in messages other instances handed over. When nothing is left it lets
   * the lease go, then looks once more, so a message handed over at that moment is not stranded.
   */
  private async pump(key: ConversationKey, conversation: Conversation): Promise<void> {
    // Let the submit() that started us return before the first turn begins.
    await Promise.resolve();
    const stopHolding = this.claims.keepHolding(key);
    let stranded: InboundMessage[] = [];
    try {
      for (;;) {
        if (conversation.resume) {
          const record = conversation.resume;
          delete conversation.resume;
          await this.runTurn(conversation, [resumedMessage(record)], record);
          continue;
        }
        if (conversation.resets.length > 0) {
          await this.doResets(key, conversation);
          continue;
        }
        if (!this.stopping) {
          // Messages that reached other instances join those that reached this one, in the order
          // they were received (every instance stamps receipt on arrival).
          const handed = await this.claims.takeHandedOver(key);
          if (handed.length > 0) {
            conversation.queue.push(...handed);
            conversation.queue.sort((a, b) => a.receivedAt - b.receivedAt);
          }
        }
        if (conversation.queue.length > 0) {
          const batch = conversation.queue.splice(0);
          this.reportQueueDepth();
          await this.runTurn(conversation, batch);
          continue;
        }
        await this.claims.release(key);
        const handed = this.stopping ? 0 : await this.claims.handedOverCount(key);
        // Checked after the last await: a message or reset arriving up to here is seen, and from the
        // break to the conversation's removal nothing else can run.
        if (handed === 0 && conversation.queue.length === 0 && conversation.resets.length === 0) break;
        if (!(await this.claims.hold(key))) {
          // Another instance took the conversation meanwhile: what arrived here goes to it.
          await this.doResets(key, conversation);
          for (const message of conversation.queue.splice(0)) await this.claims.handOver(message);
          break;
        }
      }
    } catch (err) {
      this.options.logger.error({ err, conversation: key }, 'the conversation stopped on a store error');
      for (const resolve of conversation.resets.splice(0)) resolve();
      stranded = conversation.queue.splice(0);
    } finally {
      stopHolding();
      this.conversations.delete(key);
      await this.claims.release(key).catch(() => undefined);
    }
    // Taken already (claimed), so not submitted again: held until the store answers, then placed.
    for (const message of stranded)
      void this.intake.placeLater(message, () => this.place(message), this.now());
  }

  private async runTurn(
    conversation: Conversation,
    batch: InboundMessage[],
    resume?: RunRecord,
  ): Promise<void> {
    const controller = new AbortController();
    conversation.controller = controller;
    try {
      await playTurn(
        {
          deps: { ...this.options, now: this.now, approvals: this.approvals },
          router: this.router,
          metrics: this.metrics,
          timeoutMs: this.options.run.timeoutMs,
        },
        batch,
        controller,
        resume,
      );
    } finally {
      conversation.controller = undefined;
    }
  }

  private async doResets(key: ConversationKey, conversation: Conversation): Promise<void> {
    if (conversation.resets.length === 0) return;
    const waiting = conversation.resets.splice(0);
    await this.discardThread(key).catch((err: unknown) => {
      this.options.logger.error({ err, conversation: key }, 'reset failed');
    });
    for (const resolve of waiting) resolve();
  }

  /** Forgets the conversation's assistant thread here and at the service. */
  private async discardThread(key: ConversationKey): Promise<void> {
    const record = await this.options.store.threads.get(key);
    if (!record) return;
    await this.options.store.threads.delete(key);
    if (record.backend !== this.options.backend.name) return;
    await this.options.backend.deleteThread(record.threadId).catch((err: unknown) => {
      this.options.logger.warn({ err, conversation: key }, 'could not delete the old assistant thread');
    });
  }

  private reportQueueDepth(): void {
    let depth = 0;
    for (const conversation of this.conversations.values()) depth += conversation.queue.length;
    this.metrics.queueDepth(depth);
  }
}
