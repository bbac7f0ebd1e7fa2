import type { ConversationKey } from '../core/conversation.js';
import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import type { ThreadRecord, ThreadRepository } from './types.js';

/** Conversation key -> assistant thread; kept without expiry, since a chat thread may resume any time. */
export function createThreadRepository(driver: StoreDriver): ThreadRepository {
  return {
    get: (key: ConversationKey) => driver.get<ThreadRecord>(storeKeys.thread(key)),
    set: (key: ConversationKey, record: ThreadRecord) => driver.set(storeKeys.thread(key), record),
    delete: (key: ConversationKey) => driver.delete(storeKeys.thread(key)),
  };
}
