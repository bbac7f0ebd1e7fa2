import { randomUUID } from 'node:crypto';
import type { Logger } from '../../core/logger.js';
import { StoreUnavailableError } from '../../store/store-failures.js';
import { DEFAULT_STORE_WATCH, StoreWatch } from './store-watch.js';

/** What an {@link OutageHold} is built with. */
export interface OutageHoldOptions {
  /** STORE_HOLD_MS: how long after its arrival a message may wait for the store. */
  holdMs: number;
  /** MAX_QUEUED_MESSAGES: messages one conversation may have held; one more is refused at once. */
  maxPerConversation: number;
  /** Does the store answer? (`Store.ping`) */
  ping: () => Promise<boolean>;
  logger: Logger;
  /** Messages the whole process may have held (memory); default {@link DEFAULT_OUTAGE_HOLD}. */
  maxHeld?: number;
  /** Testing hook: how often a store that does not answer is looked at. */
  watch?: { firstMs: number; maxMs: number };
  now?: () => number;
}

export const DEFAULT_OUTAGE_HOLD = { maxHeld: 1_000 } as const satisfies Record<string, number>;

/** One conversation's messages being taken, in order. */
interface Lane {
  tail: Promise<void>;
  /** Messages in the lane (the one being taken included). */
  size: number;
  /** The store failed the lane's last try: messages behind it are being held. */
  holding: boolean;
}

/**
 * Takes messages in while the store may be unreachable: per conversation, one after another in the
 * order they arrived. A message whose taking fails because the store cannot be reached waits (with
 * those behind it, in memory) until the store answers, then is taken again with the same holder, so
 * a dedupe claim that went through before the failure still counts as its own. Past `holdMs` after
 * its arrival, or when too many are held, `refuse` answers it instead: the user hears back either way.
 */
export class OutageHold {
  readonly #lanes = new Map<string, Lane>();
  readonly #watch: StoreWatch;
  readonly #now: () => number;
  #held = 0;

  constructor(private readonly options: OutageHoldOptions) {
    this.#now = options.now ?? Date.now;
    this.#watch = new StoreWatch(options.ping, options.watch ?? DEFAULT_STORE_WATCH, this.#now);
  }

  /**
   * Runs `take` for a message of conversation `lane` that arrived at `receivedAt`, after the
   * messages of that conversation that came before it; `take` gets the message's holder (the same on
   * every try, and given to `refuse` too; a new one unless given). Other errors than an unreachable store pass through.
   */
  run<T>(
    lane: string,
    receivedAt: number,
    take: (holder: string) => Promise<T>,
    refuse: (holder: string) => Promise<T>,
    holder: string = randomUUID(),
  ): Promise<T> {
    const state = this.#lanes.get(lane) ?? { tail: Promise.resolve(), size: 0, holding: false };
    const full =
      state.size >= this.options.maxPerConversation ||
      this.#held >= (this.options.maxHeld ?? DEFAULT_OUTAGE_HOLD.maxHeld);
    if (state.holding && full) {
      this.options.logger.warn(
        { conversation: lane },
        'the store cannot be reached and too many messages are held: refusing one',
      );
      return refuse(holder);
    }
    state.size += 1;
    this.#held += 1;
    this.#lanes.set(lane, state);
    const result = state.tail.then(() => this.#take(lane, state, receivedAt, take, refuse, holder));
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    state.tail = settled;
    void settled.then(() => {
      state.size -= 1;
      this.#held -= 1;
      if (state.size === 0 && this.#lanes.get(lane) === state) this.#lanes.delete(lane);
    });
    return result;
  }

  /** Ends every wait for the store at once (shutdown): held messages are refused, so their users hear back. */
  stop(): void {
    this.#watch.stop();
  }

  async #take<T>(
    lane: string,
    state: Lane,
    receivedAt: number,
    take: (holder: string) => Promise<T>,
    refuse: (holder: string) => Promise<T>,
    holder: string,
  ): Promise<T> {
    const deadline = receivedAt + this.options.holdMs;
    for (let tries = 1; ; tries++) {
      try {
        const taken = await take(holder);
        if (tries > 1)
          this.options.logger.info({ conversation: lane, tries }, 'the store is back: took a held message');
        state.holding = false;
        return taken;
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        state.holding = true;
        if (tries === 1) {
          this.options.logger.warn(
            { err: error, conversation: lane },
            'the store cannot be reached: holding a message until it is back',
          );
        }
        if (!(await this.#watch.answersBefore(deadline))) {
          this.options.logger.error(
            { conversation: lane },
            'the store stayed unreachable: the message was not taken and its user was asked to send it again',
          );
          return refuse(holder);
        }
      }
    }
  }
}
