import type { ConversationKey } from '../core/conversation.js';
import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import { StoreUnavailableError } from './store-failures.js';
import type { FollowRecord, FollowRepository } from './types.js';

/** How many followed threads a process remembers for when the store cannot be reached. */
const REMEMBERED_FOLLOWS = 10_000;

/**
 * Chat threads the bot owns (Discord) or follows (Slack): later messages there are answered without
 * a mention. Kept without expiry, so a thread is still followed after a restart.
 *
 * The threads this process has seen followed are remembered in memory too (bounded, the oldest
 * forgotten first), and answered from there only while the store is unreachable: a follow-up in a
 * thread the bot serves is then recognised, so it is held for the store rather than taken for a
 * message meant for someone else.
 */
export function createFollowRepository(driver: StoreDriver): FollowRepository {
  const known = new Map<ConversationKey, FollowRecord>();
  const remember = (key: ConversationKey, record: FollowRecord) => {
    known.delete(key);
    known.set(key, record);
    if (known.size > REMEMBERED_FOLLOWS) known.delete(known.keys().next().value as ConversationKey);
  };
  return {
    get: async (key: ConversationKey) => {
      try {
        const record = await driver.get<FollowRecord>(storeKeys.follow(key));
        if (record) remember(key, record);
        else known.delete(key);
        return record;
      } catch (error) {
        const remembered = known.get(key);
        if (error instanceof StoreUnavailableError && remembered) return remembered;
        throw error;
      }
    },
    follow: async (key: ConversationKey, record: FollowRecord) => {
      await driver.set(storeKeys.follow(key), record);
      remember(key, record);
    },
    unfollow: async (key: ConversationKey) => {
      known.delete(key);
      await driver.delete(storeKeys.follow(key));
    },
  };
}
