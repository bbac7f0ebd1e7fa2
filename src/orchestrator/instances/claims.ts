import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { InboundMessage } from '../../core/messages.js';
import type { Store } from '../../store/types.js';

/**
 * Which instance runs which conversation, when several share one store: an instance holds a
 * conversation's lease (in the store, renewed while it works there) before it runs anything in it,
 * and a message that arrives at another instance meanwhile is handed over through the store, to be
 * taken into the holder's next turn. With one instance this costs a few store calls per turn.
 */
export class ConversationClaims {
  constructor(
    private readonly store: Store,
    /** This instance, as the lease owner: stable across restarts of the same instance (see app.ts). */
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly logger: Logger,
  ) {}

  /** Takes (or extends) this instance's lease on the conversation; false when another instance holds it. */
  hold(key: ConversationKey): Promise<boolean> {
    return this.store.leases.hold(key, this.owner, this.leaseMs);
  }

  release(key: ConversationKey): Promise<void> {
    return this.store.leases.release(key, this.owner);
  }

  /** The instance holding the conversation's lease now, if one does (this one included). */
  holder(key: ConversationKey): Promise<string | undefined> {
    return this.store.leases.holder(key);
  }

  /** Is `instance` this one? */
  isSelf(instance: string | undefined): boolean {
    return instance === this.owner;
  }

  /**
   * Renews the lease every third of its life while the conversation has work here; returns how to
   * stop. A renewal refused means another instance took over (this one stalled past the lease): that
   * is logged loudly, as answers may then overlap.
   */
  keepHolding(key: ConversationKey): () => void {
    const timer = setInterval(() => {
      this.hold(key).then(
        (held) => {
          if (!held)
            this.logger.error({ conversation: key }, 'lost the conversation lease to another instance');
        },
        (err: unknown) =>
          this.logger.warn({ err, conversation: key }, 'could not renew the conversation lease'),
      );
    }, this.leaseMs / 3);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Leaves a message for whichever instance runs its conversation. */
  handOver(message: InboundMessage): Promise<void> {
    return this.store.handoffs.push(message);
  }

  /** The messages other instances (or an earlier run of this one) handed over, oldest first. */
  takeHandedOver(key: ConversationKey): Promise<InboundMessage[]> {
    return this.store.handoffs.take(key);
  }

  handedOverCount(key: ConversationKey): Promise<number> {
    return this.store.handoffs.count(key);
  }

  /** Conversations with handed-over messages that nobody has taken yet. */
  waiting(): Promise<ConversationKey[]> {
    return this.store.handoffs.waiting();
  }
}
