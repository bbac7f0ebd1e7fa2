import { type ClosedGuard, type StoreDriver, storeCall } from './driver.js';

/** What the signals need of a node-redis client (the store's own, whatever its generics). */
export interface SignalClient {
  publish(channel: string, message: string): Promise<number>;
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  unsubscribe(channel: string, listener: (message: string) => void): Promise<void>;
  close(): Promise<void>;
  destroy(): void;
  on(event: 'error', listener: () => void): unknown;
  readonly isOpen: boolean;
}

/** The publish/subscribe part of the Redis driver, and how to close its listening connection. */
export interface RedisSignals extends Pick<StoreDriver, 'publish' | 'subscribe'> {
  close(): Promise<void>;
}

/**
 * Redis pub/sub for signals between instances. A subscribed connection can do nothing else, so
 * listening takes a second connection (a duplicate of the store's, opened on the first subscribe);
 * node-redis subscribes it again by itself after a reconnect. A message published while it is away
 * is lost: callers keep the truth in the store and treat signals as a wake-up only.
 *
 * Channels are server-wide (not per database), so `channelOf` puts the namespace and the database
 * into their names: two bots sharing one server never hear each other.
 */
export function redisSignals(
  client: Pick<SignalClient, 'publish'>,
  channelOf: (channel: string) => string,
  guard: ClosedGuard,
  /** Opens the second connection (a duplicate of the store's), an error listener on it. */
  openListener: () => Promise<SignalClient>,
): RedisSignals {
  let listening: Promise<SignalClient> | undefined;
  const listener = () => {
    listening ??= openListener();
    // A failed connection is tried again on the next subscribe.
    listening.catch(() => {
      listening = undefined;
    });
    return listening;
  };
  return {
    publish: (channel, message) =>
      storeCall('publish', channel, async () => {
        guard.check();
        return client.publish(channelOf(channel), message);
      }),
    subscribe: (channel, onMessage) =>
      storeCall('subscribe', channel, async () => {
        guard.check();
        const subscriber = await listener();
        const wrapped = (message: string) => onMessage(message);
        await subscriber.subscribe(channelOf(channel), wrapped);
        return async () => {
          if (subscriber.isOpen)
            await subscriber.unsubscribe(channelOf(channel), wrapped).catch(() => undefined);
        };
      }),
    close: async () => {
      const subscriber = await listening?.catch(() => undefined);
      if (subscriber?.isOpen) await subscriber.close().catch(() => subscriber.destroy());
    },
  };
}
