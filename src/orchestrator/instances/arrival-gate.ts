import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { InboundMessage } from '../../core/messages.js';
import type { Store } from '../../store/types.js';
import type { ConversationClaims } from './claims.js';
import {
  DEFAULT_ARRIVAL_WAIT_MS,
  DEFAULT_ORDER_SETTLE_MS,
  inPlatformOrder,
  orderOf,
  settledAt,
} from './message-order.js';

/** How often a turn waiting for an announced message looks at the store if no signal wakes it. */
const ARRIVAL_LOOK_MS = 250;

export interface ArrivalGateOptions {
  /** Several instances may share the store (Redis): messages are announced and waited for. */
  shared: boolean;
  settleMs?: number;
  waitMs?: number;
  now: () => number;
  logger: Logger;
}

/**
 * Keeps a conversation's messages in the platform's order across instances. Every instance announces
 * a message in the store as soon as it has taken it (before its other store calls); the lease holder,
 * before starting a turn, takes the messages handed over to it, and waits (woken by the hand-over's
 * signal) for any announced message written before the newest one it has. So a message that is
 * still on its way through another instance joins this turn instead of being answered after a later
 * one. With one instance (SQLite) messages arrive in order and only hand-overs are taken.
 */
export class ArrivalGate {
  private readonly wakers = new Map<ConversationKey, () => void>();
  private readonly settleMs: number;
  private readonly waitMs: number;
  /** Several instances may share the store: announcing and waiting are on. */
  readonly shared: boolean;

  constructor(
    private readonly store: Store,
    private readonly claims: ConversationClaims,
    private readonly options: ArrivalGateOptions,
  ) {
    this.shared = options.shared;
    this.settleMs = options.settleMs ?? DEFAULT_ORDER_SETTLE_MS;
    this.waitMs = options.waitMs ?? DEFAULT_ARRIVAL_WAIT_MS;
  }

  /** The message is here and will be answered: a turn elsewhere waits for it if it is earlier. */
  async announce(message: InboundMessage): Promise<void> {
    if (this.options.shared) await this.store.arrivals.announce(message.key, message.id, orderOf(message));
  }

  /** The message will not be answered after all (duplicate, refused, queue full). */
  async withdraw(message: InboundMessage): Promise<void> {
    if (this.options.shared)
      await this.store.arrivals.withdraw(message.key, [{ id: message.id, order: orderOf(message) }]);
  }

  /** Something for the conversation arrived (a hand-over, a message here): a waiting turn looks again. */
  wake(key: ConversationKey): void {
    this.wakers.get(key)?.();
  }

  /**
   * Fills `queue` with what the next turn answers, in platform order: the messages handed over, and,
   * with several instances, those announced as earlier than the newest one (waited for, up to the
   * arrival wait). What it took is no longer announced.
   */
  async gather(key: ConversationKey, queue: InboundMessage[], stopping: () => boolean): Promise<void> {
    await this.takeHandedOver(key, queue);
    if (!this.options.shared || queue.length === 0) return;
    const deadline = this.options.now() + this.waitMs;
    for (;;) {
      // Every message in hand, those that came in while waiting too, first gets its settling time.
      const settle = Math.min(settledAt(queue, this.settleMs), deadline) - this.options.now();
      if (settle > 0 && !stopping()) {
        await this.pause(key, Math.min(settle, this.settleMs), false);
        await this.takeHandedOver(key, queue);
        continue;
      }
      const newest = Math.max(...queue.map(orderOf));
      const inHand = new Set(queue.map((message) => message.id));
      const pending = await this.store.arrivals.pending(key);
      const earlier = pending.filter((p) => !inHand.has(p.id) && p.order <= newest);
      const taken = pending.filter((p) => inHand.has(p.id));
      if (taken.length > 0) await this.store.arrivals.withdraw(key, taken);
      this.options.logger.debug(
        { conversation: key, messages: queue.map((m) => m.id), waitingFor: earlier.map((p) => p.id) },
        'gathering a turn',
      );
      if (earlier.length === 0 || stopping()) return;
      if (this.options.now() >= deadline) {
        this.options.logger.warn(
          { conversation: key, messages: earlier.map((p) => p.id) },
          'an earlier message announced by another instance never arrived; answering without it',
        );
        await this.store.arrivals.withdraw(key, earlier);
        return;
      }
      await this.pause(key, Math.min(ARRIVAL_LOOK_MS, deadline - this.options.now()), true);
      await this.takeHandedOver(key, queue);
    }
  }

  private async takeHandedOver(key: ConversationKey, queue: InboundMessage[]): Promise<void> {
    const handed = await this.claims.takeHandedOver(key);
    queue.push(...handed);
    inPlatformOrder(queue);
  }

  /** Waits `ms`, or (when `wakeable`) until something for the conversation arrives. */
  private pause(key: ConversationKey, ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakers.get(key) === done) this.wakers.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (wakeable) this.wakers.set(key, done);
    });
  }
}
