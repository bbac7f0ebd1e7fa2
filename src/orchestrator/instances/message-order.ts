import type { InboundMessage } from '../../core/messages.js';

/** Where a message stands in its conversation: the platform's time for it, else when it arrived. */
export function orderOf(message: InboundMessage): number {
  return message.sentAt ?? message.receivedAt;
}

/** Sorts a conversation's messages into the order they are answered in (stable for equal times). */
export function inPlatformOrder(messages: InboundMessage[]): InboundMessage[] {
  return messages.sort((a, b) => orderOf(a) - orderOf(b) || a.receivedAt - b.receivedAt);
}

/**
 * How long a turn waits after its newest message was written (or received, if earlier by this
 * host's clock) before it starts, when several instances share the store: time for a message written
 * just before it, received by another instance and still on its way through that instance's first
 * store calls, to be announced. A platform delivering late has usually used this up already.
 */
export const DEFAULT_ORDER_SETTLE_MS = 200;

/**
 * How long a turn waits for an earlier message another instance announced but has not handed over
 * yet (it is normally there within milliseconds): past this it is given up on, as its instance may
 * have died in between; the platform's redelivery or the store still brings it later.
 */
export const DEFAULT_ARRIVAL_WAIT_MS = 2_000;

/** Until when a turn for `batch` waits before starting (see {@link DEFAULT_ORDER_SETTLE_MS}). */
export function settledAt(batch: readonly InboundMessage[], settleMs: number): number {
  let until = 0;
  for (const message of batch) {
    until = Math.max(until, Math.min(orderOf(message), message.receivedAt) + settleMs);
  }
  return until;
}
