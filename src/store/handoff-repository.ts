import type { ConversationKey } from '../core/conversation.js';
import type { InboundFile, InboundMessage } from '../core/messages.js';
import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import type {
  ArrivalRepository,
  ConversationLeaseRepository,
  HandoffRepository,
  SignalRepository,
} from './types.js';

/** An InboundMessage as JSON: file bytes as base64. */
interface StoredMessage extends Omit<InboundMessage, 'files'> {
  files: Array<Omit<InboundFile, 'bytes'> & { base64: string }>;
}

const encode = (message: InboundMessage): string =>
  JSON.stringify({
    ...message,
    files: message.files.map(({ bytes, ...file }) => ({
      ...file,
      base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    })),
  } satisfies StoredMessage);

const decode = (item: string): InboundMessage => {
  const stored = JSON.parse(item) as StoredMessage;
  return {
    ...stored,
    files: stored.files.map(({ base64, ...file }) => ({
      ...file,
      bytes: new Uint8Array(Buffer.from(base64, 'base64')),
    })),
  };
};

/**
 * Messages one instance received for a conversation that another instance is running: kept in the
 * shared store until the lease holder takes them into its next turn. The index of conversations with
 * messages waiting is written before the message, so a restart can always find them.
 */
export function createHandoffRepository(driver: StoreDriver): HandoffRepository {
  const index = storeKeys.handoffIndex();
  return {
    push: async (message) => {
      await driver.addMember(index, message.key);
      await driver.pushItem(storeKeys.handoff(message.key), encode(message));
    },
    take: async (key) => (await driver.takeItems(storeKeys.handoff(key))).map(decode),
    count: (key) => driver.countItems(storeKeys.handoff(key)),
    waiting: async () => {
      const keys = (await driver.members(index)) as ConversationKey[];
      const counts = await Promise.all(keys.map((key) => driver.countItems(storeKeys.handoff(key))));
      const empty = keys.filter((_, i) => counts[i] === 0);
      // Pruned only when empty now; a push racing this re-adds its key before its message.
      await Promise.all(empty.map((key) => driver.removeMember(index, key)));
      return keys.filter((_, i) => (counts[i] ?? 0) > 0);
    },
  };
}

/** Which instance runs a conversation now (see {@link ConversationLeaseRepository}). */
export function createConversationLeaseRepository(driver: StoreDriver): ConversationLeaseRepository {
  return {
    hold: (key, owner, ttlMs) => driver.lease(storeKeys.conversationLease(key), owner, ttlMs),
    release: (key, owner) => driver.endLease(storeKeys.conversationLease(key), owner),
    holder: (key) => driver.leaseHolder(storeKeys.conversationLease(key)),
  };
}

/** Messages on their way into a turn (see {@link ArrivalRepository}); a set of `[order, id]` JSON. */
export function createArrivalRepository(driver: StoreDriver): ArrivalRepository {
  const member = (id: string, order: number) => JSON.stringify([order, id]);
  return {
    announce: (key, id, order) => driver.addMember(storeKeys.arrivals(key), member(id, order)),
    pending: async (key) =>
      (await driver.members(storeKeys.arrivals(key))).flatMap((item) => {
        const parsed: unknown = JSON.parse(item);
        if (!Array.isArray(parsed) || typeof parsed[0] !== 'number' || typeof parsed[1] !== 'string')
          return [];
        return [{ order: parsed[0], id: parsed[1] }];
      }),
    withdraw: async (key, messages) => {
      for (const { id, order } of messages)
        await driver.removeMember(storeKeys.arrivals(key), member(id, order));
    },
  };
}

/** Signals between instances over the driver's publish/subscribe (see {@link SignalRepository}). */
export function createSignalRepository(driver: StoreDriver): SignalRepository {
  return {
    send: async (instance, signal) => (await driver.publish(storeKeys.signalChannel(instance), signal)) > 0,
    listen: (instance, onSignal) => driver.subscribe(storeKeys.signalChannel(instance), onSignal),
  };
}
