import type { ConversationKey } from '../core/conversation.js';
import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import type { RunRecord, RunRepository } from './types.js';

/** A UUID is 36 characters and has no ':'; what follows it in an index member is the conversation key. */
const TURN_ID_LENGTH = 36;

/**
 * In-flight runs, one record per turn (a new turn never overwrites an unfinished one), indexed twice:
 * all of them, for the take-over sweep and start-up, and per conversation, for the instance that
 * takes a conversation up. keyv cannot list keys cheaply on every store, hence the indexes.
 *
 * Indexes are written before the record and cleared after it, so a crash between two writes can leave
 * an index entry without a record (skipped when read) but never a record that cannot be found.
 * Records without a turn id were written by an older version, one per conversation: they are still
 * listed, resumed and cleared.
 */
export function createRunRepository(driver: StoreDriver): RunRepository {
  const legacyIndex = storeKeys.runIndex();
  const index = storeKeys.turnRunIndex();
  const recordKey = (key: ConversationKey, turnId: string | undefined) =>
    turnId === undefined ? storeKeys.run(key) : storeKeys.turnRun(turnId, key);

  const turnsOf = async (key: ConversationKey): Promise<RunRecord[]> => {
    const turnIds = await driver.members(storeKeys.conversationTurns(key));
    const records = await Promise.all(turnIds.map((turnId) => driver.get<RunRecord>(recordKey(key, turnId))));
    return records.filter((record): record is RunRecord => record !== undefined);
  };
  const legacyOf = async (key: ConversationKey) => driver.get<RunRecord>(storeKeys.run(key));
  const oldestFirst = (records: RunRecord[]) => records.sort((a, b) => a.startedAt - b.startedAt);

  const remove = async (key: ConversationKey, turnId: string | undefined) => {
    await driver.delete(recordKey(key, turnId));
    if (turnId === undefined) return driver.removeMember(legacyIndex, key);
    await driver.removeMember(storeKeys.conversationTurns(key), turnId);
    await driver.removeMember(index, `${turnId}:${key}`);
  };

  return {
    get: async (key) => (await forConversation(key))[0],
    forConversation,
    set: async (record) => {
      if (record.turnId === undefined) {
        await driver.addMember(legacyIndex, record.key);
      } else {
        await driver.addMember(index, `${record.turnId}:${record.key}`);
        await driver.addMember(storeKeys.conversationTurns(record.key), record.turnId);
      }
      await driver.set(recordKey(record.key, record.turnId), record);
    },
    delete: remove,
    list: async () => {
      const [members, legacy] = await Promise.all([driver.members(index), driver.members(legacyIndex)]);
      const turns = members.map((member) => ({
        turnId: member.slice(0, TURN_ID_LENGTH),
        key: member.slice(TURN_ID_LENGTH + 1) as ConversationKey,
      }));
      const records = await Promise.all([
        ...turns.map(({ turnId, key }) => driver.get<RunRecord>(recordKey(key, turnId))),
        ...legacy.map((key) => driver.get<RunRecord>(storeKeys.run(key as ConversationKey))),
      ]);
      // A stale entry is not pruned here: on Redis a concurrent set may have indexed it a moment ago.
      return oldestFirst(records.filter((record): record is RunRecord => record !== undefined));
    },
  };

  async function forConversation(key: ConversationKey): Promise<RunRecord[]> {
    const [turns, legacy] = await Promise.all([turnsOf(key), legacyOf(key)]);
    return oldestFirst(legacy ? [legacy, ...turns] : turns);
  }
}
