import { randomUUID } from 'node:crypto';
import type { ConversationKey } from '../core/conversation.js';
import { USER_MESSAGES } from '../core/errors.js';
import type { InboundMessage } from '../core/messages.js';
import { type Metrics, NO_METRICS } from '../core/metrics.js';
import type { ReplyRenderer } from '../core/renderer.js';
import type { RunRecord } from '../store/types.js';
import type { Approvals, DecideResult, Decider } from './approvals/approvals.js';
import { type Conversation, newConversation } from './conversations/conversation-work.js';
import { discardThread, settleResets } from './conversations/discard-thread.js';
import type { ArrivalGate } from './instances/arrival-gate.js';
import type { ConversationClaims } from './instances/claims.js';
import { instanceParts } from './instances/instance-parts.js';
import type { InstanceSignals } from './instances/instance-signals.js';
import type { TakeOverWatch } from './instances/take-over.js';
import { refusalFor } from './intake/access.js';
import { DEFAULT_DEDUPE_TTL_MS, IntakeHold, messageMark } from './intake/intake-hold.js';
import type { OrchestratorOptions, SubmitOutcome } from './orchestrator-options.js';
import { ReplyRouter } from './reply-router.js';
import { playTurn, type TurnStage } from './turn/play-turn.js';
import { resumedMessage } from './turn/run-ledger.js';
import type { AbortReason } from './turn/turn-deps.js';

export { DEFAULT_DEDUPE_TTL_MS } from './intake/intake-hold.js';

export type { OrchestratorOptions, SubmitOutcome } from './orchestrator-options.js';

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
  /** How this instance works beside the others sharing its store (see instance-parts.ts). */
  private readonly signals: InstanceSignals;
  private readonly arrivals: ArrivalGate;
  private readonly takeOvers: TakeOverWatch;
  /** What every turn here is played with (the same for each; only its batch and controller differ). */
  private readonly stage: TurnStage;

  constructor(private readonly options: OrchestratorOptions) {
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics ?? NO_METRICS;
    this.router = new ReplyRouter(options.logger);
    this.intake = new IntakeHold(options.store, this.router, options.logger, { ...options, now: this.now });
    ({
      claims: this.claims,
      approvals: this.approvals,
      signals: this.signals,
      arrivals: this.arrivals,
      takeOvers: this.takeOvers,
    } = instanceParts(options, this.now, {
      isHere: (key) => this.conversations.has(key),
      stopping: () => this.stopping,
      cancel: (key) => this.cancelHere(key),
      reset: (key) => this.resetHere(key),
      begin: (key, leftovers) => this.begin(key, { leftovers }),
    }));
    this.stage = {
      deps: {
        ...options,
        now: this.now,
        approvals: this.approvals,
        whileStoreAway: (key, call) => this.intake.whileStoreAway(key, call, this.now()),
      },
      router: this.router,
      metrics: this.metrics,
      timeoutMs: options.run.timeoutMs,
      onClearFailed: (record) => this.takeOvers.finished(record),
    };
  }

  /**
   * Starts listening for what other instances sharing the store send this one (stops, resets,
   * approval decisions, hand-overs of conversations it runs). Call before the adapters take events.
   */
  start(): Promise<void> {
    return this.signals.start();
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
    // With several instances, a fresh message is announced at once, not after the messages before
    // it here: a turn starting elsewhere meanwhile waits for it if it was written earlier.
    const holder = randomUUID();
    const early = this.arrivals.shared ? this.claimAndAnnounce(message, holder) : undefined;
    // Awaited in its turn; a failure meanwhile must not count as unhandled.
    early?.catch(() => undefined);
    return this.intake.submit(message, (holder) => this.accept(message, holder, early), holder);
  }

  /** Marks the message taken (false: a redelivery) and, if it is fresh, announces it. */
  private async claimAndAnnounce(message: InboundMessage, holder: string): Promise<boolean> {
    if (!(await this.options.store.dedupe.claim(messageMark(message), DEFAULT_DEDUPE_TTL_MS, holder)))
      return false;
    await this.arrivals.announce(message);
    return true;
  }

  /**
   * `holder`: the same on every try of this message, so a claim that went through still counts;
   * `early`: the claim already made when it was submitted (tried again here if it failed).
   */
  private async accept(
    message: InboundMessage,
    holder: string,
    early?: Promise<boolean>,
  ): Promise<SubmitOutcome> {
    const retry = () => this.claimAndAnnounce(message, holder);
    if (!(await (early ? early.catch(retry) : retry()))) return 'duplicate';
    let outcome: SubmitOutcome = 'refused';
    try {
      outcome = await this.admit(message);
      return outcome;
    } finally {
      if (outcome !== 'started' && outcome !== 'queued')
        await this.arrivals.withdraw(message).catch((err: unknown) => {
          this.options.logger.warn({ err, conversation: message.key }, 'could not withdraw a message');
        });
    }
  }

  /** Starts, queues or hands over a fresh message (or refuses it over a limit). */
  private async admit(message: InboundMessage): Promise<SubmitOutcome> {
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
      // An answer a crashed instance left here is finished first (read before taking anything up).
      const leftovers = await this.takeOvers.leftovers(message.key);
      if (this.conversations.has(message.key)) return this.enqueue(message);
      this.begin(message.key, { queue: [message], leftovers });
      return 'started';
    }
    // Another instance is running this conversation: it takes the message into its next turn.
    if ((await this.claims.handedOverCount(message.key)) >= this.options.run.maxQueuedMessages)
      return this.queueFull(message);
    await this.claims.handOver(message);
    await this.signals.tellHolder({ kind: 'handoff', key: message.key });
    // It may have let go just before the message arrived: then this instance takes over.
    if (await this.claims.hold(message.key)) {
      const leftovers = await this.takeOvers.leftovers(message.key);
      if (!this.conversations.has(message.key)) this.begin(message.key, { leftovers });
    }
    return 'queued';
  }

  /** Queues a message behind the conversation's run going here. */
  private enqueue(message: InboundMessage): Promise<SubmitOutcome> | SubmitOutcome {
    const conversation = this.conversations.get(message.key) as Conversation;
    if (conversation.queue.length >= this.options.run.maxQueuedMessages) return this.queueFull(message);
    conversation.queue.push(message);
    this.reportQueueDepth();
    this.arrivals.wake(message.key);
    return 'queued';
  }

  private async queueFull(message: InboundMessage): Promise<SubmitOutcome> {
    await this.router.renderOnce(message, [
      { type: 'error', code: 'queue_full', text: USER_MESSAGES.queue_full },
    ]);
    return 'queue_full';
  }

  /** Starts working in a conversation whose lease this instance holds. */
  private begin(key: ConversationKey, work: { queue?: InboundMessage[]; leftovers: RunRecord[] }): void {
    const conversation = newConversation(work);
    this.conversations.set(key, conversation);
    conversation.idle = this.pump(key, conversation);
  }

  /**
   * Picks up what a crashed or stopped instance left: runs unfinished at the service (each is
   * re-attached and its answer finished in place) and messages handed over but never answered. Call
   * once the adapters can render. A conversation whose lease another instance holds is left to it.
   * With several instances, this one then keeps watching for conversations whose holder died (its
   * lease ran out with work left) and takes them over. Returns how many were picked up now.
   */
  resumeUnfinished(): Promise<number> {
    return this.takeOvers.start();
  }

  /**
   * Stops the conversation's active run, wherever it goes: here, or at the instance holding the
   * conversation (told over the store's pub/sub). True when a run was going and was told to stop.
   * Queued messages still get their turn.
   */
  async cancel(key: ConversationKey): Promise<boolean> {
    const there = this.conversations.has(key) ? undefined : await this.signals.askHolder('cancel', key);
    return there ?? this.cancelHere(key);
  }

  private cancelHere(key: ConversationKey): boolean {
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
   * and go to the new thread. When another instance runs the conversation, it is asked to do this
   * (and this waits for it); if it does not answer, the thread is forgotten from here.
   */
  async reset(key: ConversationKey): Promise<void> {
    const there = this.conversations.has(key) ? undefined : await this.signals.askHolder('reset', key);
    if (there === undefined) await this.resetHere(key);
  }

  private async resetHere(key: ConversationKey): Promise<void> {
    const conversation = this.conversations.get(key);
    if (!conversation) return discardThread(this.options, key);
    const done = new Promise<void>((resolve) => conversation.resets.push(resolve));
    conversation.controller?.abort('cancel' satisfies AbortReason);
    return done;
  }

  /**
   * Stops the orchestrator: runs going (and messages already waiting) get up to `graceMs` to finish,
   * then whatever is left is aborted (its users are told it stopped) and this waits until all is idle.
   */
  async stop(graceMs = 0, reason: AbortReason = 'shutdown'): Promise<void> {
    // Nothing more is taken over from other instances; what runs here gets its grace.
    await this.takeOvers.stop();
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
    await this.signals.stop();
  }

  /** Settles once no conversation has a run going or messages waiting. */
  async idle(): Promise<void> {
    while (this.conversations.size > 0) {
      await Promise.all([...this.conversations.values()].map((c) => c.idle));
    }
  }

  /**
   * Works through the conversation while this instance holds its lease: the runs a crashed or
   * stopped instance left in it first, then resets and turns, taking in messages other instances
   * handed over. When nothing is left it lets the lease go, then looks once more, so a message
   * handed over at that moment is not stranded.
   */
  private async pump(key: ConversationKey, conversation: Conversation): Promise<void> {
    // Let the submit() that started us return before the first turn begins.
    await Promise.resolve();
    const stopHolding = this.claims.keepHolding(key);
    let stranded: InboundMessage[] = [];
    try {
      // A new message never takes the place of an unfinished answer: that is finished first.
      for (const record of conversation.leftovers.splice(0)) {
        if (this.stopping) break;
        await this.runTurn(conversation, [resumedMessage(record)], record);
      }
      for (;;) {
        if (conversation.resets.length > 0) {
          await settleResets(this.options, key, conversation.resets);
          continue;
        }
        // Messages that reached other instances join those that reached this one, in the order the
        // platform gave them.
        if (!this.stopping) await this.arrivals.gather(key, conversation.queue, () => this.stopping);
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
          await settleResets(this.options, key, conversation.resets);
          for (const message of conversation.queue.splice(0)) await this.claims.handOver(message);
          await this.signals.tellHolder({ kind: 'handoff', key });
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
      await playTurn(this.stage, batch, controller, resume);
    } finally {
      conversation.controller = undefined;
    }
  }

  private reportQueueDepth(): void {
    this.metrics.queueDepth([...this.conversations.values()].reduce((n, c) => n + c.queue.length, 0));
  }
}
