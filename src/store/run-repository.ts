import type { ConversationKey } from '../core/conversation.js';
import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import type { RunRecord, RunRepository } from './types.js';

/**
 * In-flight runs, one per conversation, plus an index of their conversation keys: keyv cannot list
 * keys cheaply on every store, and start-up needs every run to resume.
 *
 * The index is written before the record and cleared after it, so a crash between the two writes can
 * leave an index entry without a record (skipped by list) but never a run that list cannot find.
 */
export function createRunRepository(driver: StoreDriver): RunRepository {
  const index = storeKeys.runIndex();
  return {
    get: (key: ConversationKey) => driver.get<RunRecord>(storeKeys.run(key)),
    set: async (record: RunRecord) => {
      await driver.addMember(index, record.key);
      await driver.set(storeKeys.run(record.key), record);
    },
    delete: async (key: ConversationKey) => {
      await driver.delete(storeKeys.run(key));
      await driver.removeMember(index, key);
    },
    list: async () => {
      const keys = (await driver.members(index)) as ConversationKey[];
      const records = await Promise.all(keys.map((key) => driver.get<RunRecord>(storeKeys.run(key))));
      // A stale entry is not pruned here: on Redis a concurrent set may have indexed it a moment ago.
      return records.filter((record): record is RunRecord => record !== undefined);
    },
  };
}
