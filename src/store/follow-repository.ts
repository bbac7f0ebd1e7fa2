import type { ConversationKey } from '../core/conversation.js';
import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import type { FollowRecord, FollowRepository } from './types.js';

/**
 * Chat threads the bot owns (Discord) or follows (Slack): later messages there are answered without
 * a mention. Kept without expiry, so a thread is still followed after a restart.
 */
export function createFollowRepository(driver: StoreDriver): FollowRepository {
  return {
    get: (key: ConversationKey) => driver.get<FollowRecord>(storeKeys.follow(key)),
    follow: (key: ConversationKey, record: FollowRecord) => driver.set(storeKeys.follow(key), record),
    unfollow: (key: ConversationKey) => driver.delete(storeKeys.follow(key)),
  };
}
