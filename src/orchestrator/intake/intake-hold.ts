import { DEFAULT_STORE_OUTAGE } from '../../config/schema.js';
import { USER_MESSAGES } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { InboundMessage } from '../../core/messages.js';
import type { Store } from '../../store/types.js';
import type { OrchestratorOptions, SubmitOutcome } from '../orchestrator-options.js';
import type { ReplyRouter } from '../reply-router.js';
import { OutageHold } from './outage-hold.js';

/** How long a "this message was answered" mark is kept; platforms redeliver within minutes. */
export const DEFAULT_DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;

/** The mark that makes a message answered once, whatever the platform redelivers. */
export const messageMark = (message: InboundMessage): string => `message:${message.key}:${message.id}`;

/**
 * How the orchestrator takes messages in: per conversation in the order they were submitted, and
 * held while the store cannot be reached (STORE_HOLD_MS, see `OutageHold`). A message the store does
 * not come back for in time, or still held at shutdown, is answered with a short "send it again".
 */
export class IntakeHold {
  readonly #hold: OutageHold;

  constructor(
    private readonly store: Store,
    private readonly router: ReplyRouter,
    private readonly logger: Logger,
    options: Pick<OrchestratorOptions, 'storeOutage' | 'storeWatch' | 'run'> & { now: () => number },
  ) {
    this.#hold = new OutageHold({
      holdMs: options.storeOutage?.holdMs ?? DEFAULT_STORE_OUTAGE.holdMs,
      maxPerConversation: options.run.maxQueuedMessages,
      ping: () => store.ping(),
      logger,
      now: options.now,
      ...(options.storeWatch ? { watch: options.storeWatch } : {}),
    });
  }

  /**
   * Takes a submitted message in: `accept` gets its holder for the dedupe mark (the same on every
   * try, so a claim that went through before the store failed still counts as its own); `holder`
   * when the caller made a claim with it already.
   */
  submit(
    message: InboundMessage,
    accept: (holder: string) => Promise<SubmitOutcome>,
    holder?: string,
  ): Promise<SubmitOutcome> {
    const mark = messageMark(message);
    return this.#hold.run(
      message.key,
      message.receivedAt,
      accept,
      // Another delivery of the same message, held here too, speaks for both.
      async (holder) =>
        this.store.dedupe.claimHere(mark, DEFAULT_DEDUPE_TTL_MS, holder)
          ? this.notTaken(message)
          : 'duplicate',
      holder,
    );
  }

  /** Places a message taken earlier (claimed already), holding it while the store cannot be reached. */
  placeLater(
    message: InboundMessage,
    place: () => Promise<SubmitOutcome>,
    now: number,
  ): Promise<SubmitOutcome> {
    return this.#hold
      .run(message.key, now, place, () => this.notTaken(message))
      .catch((err: unknown) => {
        this.logger.error({ err, conversation: message.key }, 'could not place a waiting message');
        return this.notTaken(message);
      });
  }

  /**
   * Runs a store call a turn of conversation `key` needs before it starts, holding it (and tried
   * again) while the store cannot be reached, up to STORE_HOLD_MS from now; past that the last
   * failure is thrown.
   */
  whileStoreAway<T>(key: string, call: () => Promise<T>, now: number): Promise<T> {
    // A lane of its own: the conversation's lane may be holding a message that waits for this turn.
    return this.#hold.run(`turn ${key}`, now, call, call);
  }

  /** Never silent: a message that could not be taken (the store stayed unreachable) says so. */
  async notTaken(message: InboundMessage): Promise<SubmitOutcome> {
    await this.router.renderOnce(message, [
      { type: 'error', code: 'message_not_taken', text: USER_MESSAGES.message_not_taken },
    ]);
    return 'not_taken';
  }

  /** Ends every wait for the store (shutdown): held messages are answered now. */
  stop(): void {
    this.#hold.stop();
  }
}
