import type { ConversationKey } from '../core/conversation.js';
import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import type { ThreadRecord, ThreadRepository } from './types.js';

/**
 * Conversation key -> assistant thread, kept without expiry (a chat thread may resume any time; the
 * cleanup sweep deletes idle ones), plus an index of the keys so the sweep can list them.
 *
 * As for runs, the index is written before the record and cleared after it: a crash between the two
 * writes can leave an index entry without a record (skipped by list), never a record list cannot find.
 */
export function createThreadRepository(driver: StoreDriver): ThreadRepository {
  const index = storeKeys.threadIndex();
  return {
    get: (key: ConversationKey) => driver.get<ThreadRecord>(storeKeys.thread(key)),
    set: async (key: ConversationKey, record: ThreadRecord) => {
      await driver.addMember(index, key);
      await driver.set(storeKeys.thread(key), record);
    },
    delete: async (key: ConversationKey) => {
      await driver.delete(storeKeys.thread(key));
      await driver.removeMember(index, key);
    },
    list: async () => {
      const keys = (await driver.members(index)) as ConversationKey[];
      const records = await Promise.all(keys.map((key) => driver.get<ThreadRecord>(storeKeys.thread(key))));
      // A stale entry is not pruned here: on Redis a concurrent set may have indexed it a moment ago.
      return keys.flatMap((key, i) => {
        const record = records[i];
        return record ? [{ key, record }] : [];
      });
    },
  };
}
