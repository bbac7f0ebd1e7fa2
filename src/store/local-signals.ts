import type { StoreDriver } from './driver.js';

/**
 * Publish and subscribe inside one process: what the SQLite store offers, since only one process uses
 * a SQLite file. Listeners are called on a later tick, as they would be over a network, so a
 * publisher never runs a listener's work inside its own call.
 */
export function localSignals(): Pick<StoreDriver, 'publish' | 'subscribe'> {
  const channels = new Map<string, Set<(message: string) => void>>();
  return {
    publish: async (channel, message) => {
      const listeners = [...(channels.get(channel) ?? [])];
      for (const listener of listeners) setImmediate(() => listener(message));
      return listeners.length;
    },
    subscribe: async (channel, listener) => {
      // Each subscription is its own entry, even for the same function twice.
      const entry = (message: string) => listener(message);
      const listeners = channels.get(channel) ?? new Set();
      listeners.add(entry);
      channels.set(channel, listeners);
      return async () => {
        listeners.delete(entry);
        if (listeners.size === 0 && channels.get(channel) === listeners) channels.delete(channel);
      };
    },
  };
}
