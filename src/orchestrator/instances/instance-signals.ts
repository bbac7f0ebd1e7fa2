import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { Store } from '../../store/types.js';
import type { ConversationClaims } from './claims.js';

/** How long a stop or a reset waits for the instance running the conversation to answer. */
export const DEFAULT_SIGNAL_REPLY_MS = 5_000;

const key = z.string().min(1) as unknown as z.ZodType<ConversationKey>;
const SIGNAL = z.discriminatedUnion('kind', [
  /** Requests: act on the conversation here, and reply. */
  z.object({
    kind: z.enum(['cancel', 'reset']),
    key,
    request: z.string(),
    from: z.string(),
    sentAt: z.number(),
  }),
  z.object({ kind: z.literal('reply'), request: z.string(), result: z.boolean(), sentAt: z.number() }),
  /** Wake-ups: something the store already holds is worth looking at now. */
  z.object({ kind: z.literal('approval'), key, approvalId: z.string(), sentAt: z.number() }),
  z.object({ kind: z.literal('handoff'), key, sentAt: z.number() }),
]);
type Signal = z.infer<typeof SIGNAL>;

/** What an instance does with the signals other instances send it. */
export interface SignalHandlers {
  /** Stop the conversation's run going here: true when one was. */
  cancel(key: ConversationKey): boolean;
  /** Reset the conversation here (after its run stops). */
  reset(key: ConversationKey): Promise<void>;
  /** A decision was recorded for an approval a run here may be waiting on. */
  approvalDecided(approvalId: string): void;
  /** A message of the conversation was handed over to this instance. */
  handedOver(key: ConversationKey): void;
}

/**
 * The instances sharing a store tell one another what concerns a conversation one of them runs: a
 * stop, a reset, an approval decision or a handed-over message that reached the wrong instance goes
 * to the lease holder over the store's pub/sub at once. The store stays the source of truth; a lost
 * signal costs only time (the approval and take-over sweeps find what it was about).
 */
export class InstanceSignals {
  private readonly replies = new Map<string, (result: boolean) => void>();
  private stopListening: (() => Promise<void>) | undefined;

  constructor(
    private readonly store: Store,
    private readonly claims: ConversationClaims,
    private readonly self: string,
    private readonly logger: Logger,
    private readonly handlers: SignalHandlers,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts listening on this instance's channel. */
  async start(): Promise<void> {
    this.stopListening ??= await this.store.signals.listen(this.self, (raw) => void this.receive(raw));
  }

  async stop(): Promise<void> {
    const stop = this.stopListening;
    this.stopListening = undefined;
    await stop?.();
    for (const resolve of this.replies.values()) resolve(false);
    this.replies.clear();
  }

  /**
   * When another instance holds the conversation: asks it to cancel or reset there, and resolves
   * with its answer. Undefined when no other instance holds it, or the holder did not answer (gone):
   * then it is for this instance to do.
   */
  async askHolder(kind: 'cancel' | 'reset', key: ConversationKey): Promise<boolean | undefined> {
    const holder = await this.holderElsewhere(key);
    return holder === undefined ? undefined : this.ask(holder, kind, key);
  }

  /** Tells the instance holding the conversation, if another one does, that something is there for it. */
  async tellHolder(
    signal:
      | { kind: 'approval'; key: ConversationKey; approvalId: string }
      | { kind: 'handoff'; key: ConversationKey },
  ): Promise<void> {
    const holder = await this.holderElsewhere(signal.key);
    if (holder !== undefined) await this.send(holder, { ...signal, sentAt: this.now() });
  }

  private async holderElsewhere(key: ConversationKey): Promise<string | undefined> {
    try {
      const holder = await this.claims.holder(key);
      return this.claims.isSelf(holder) ? undefined : holder;
    } catch (err) {
      // The store keeps what a signal would be about: the holder finds it at its next look.
      this.logger.warn({ err, conversation: key }, 'could not look up which instance runs a conversation');
      return undefined;
    }
  }

  /**
   * Asks `instance` to cancel or reset the conversation and waits for its answer; undefined when
   * nobody listens there (the instance is gone) or no answer came within `timeoutMs`.
   */
  private async ask(
    instance: string,
    kind: 'cancel' | 'reset',
    key: ConversationKey,
    timeoutMs = DEFAULT_SIGNAL_REPLY_MS,
  ): Promise<boolean | undefined> {
    const request = randomUUID();
    const answered = new Promise<boolean | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.replies.delete(request);
        resolve(undefined);
      }, timeoutMs);
      timer.unref();
      this.replies.set(request, (result) => {
        clearTimeout(timer);
        this.replies.delete(request);
        resolve(result);
      });
    });
    const heard = await this.send(instance, { kind, key, request, from: this.self, sentAt: this.now() });
    if (!heard) this.replies.get(request)?.(false);
    const result = await answered;
    return heard ? result : undefined;
  }

  private async send(instance: string, signal: Signal): Promise<boolean> {
    return this.store.signals.send(instance, JSON.stringify(signal)).catch((err: unknown) => {
      this.logger.warn({ err, instance, signal: signal.kind }, 'could not signal another instance');
      return false;
    });
  }

  private async receive(raw: string): Promise<void> {
    let signal: Signal;
    try {
      signal = SIGNAL.parse(JSON.parse(raw));
    } catch (err) {
      this.logger.warn({ err }, 'ignored a malformed signal from another instance');
      return;
    }
    if (signal.kind === 'reply') return this.replies.get(signal.request)?.(signal.result);
    // How long the signal took to act on is in the log: the multi-instance tests read it there.
    const log = { signal: signal.kind, conversation: signal.key, afterMs: this.now() - signal.sentAt };
    try {
      if (signal.kind === 'approval') {
        this.handlers.approvalDecided(signal.approvalId);
      } else if (signal.kind === 'handoff') {
        this.handlers.handedOver(signal.key);
      } else {
        const result = signal.kind === 'cancel' ? this.handlers.cancel(signal.key) : true;
        if (signal.kind === 'reset') await this.handlers.reset(signal.key);
        await this.send(signal.from, { kind: 'reply', request: signal.request, result, sentAt: this.now() });
      }
      this.logger.info(log, 'acted on a signal from another instance');
    } catch (err) {
      this.logger.error({ ...log, err }, 'could not act on a signal from another instance');
    }
  }
}
