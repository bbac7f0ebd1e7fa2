import type { ConversationKey } from '../core/conversation.js';
import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import type { ApprovalDecision, ApprovalRecord, ApprovalRepository } from './types.js';

/** How long the once-only mark of a decision is kept: far longer than any turn waits. */
const DECIDED_MARK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Tool calls waiting for a person's decision. The decision is made once by a create-if-absent mark
 * (atomic on Redis across instances, serialized in the one process that owns a SQLite file), then
 * written into the record; the index per conversation lets a finished turn forget its approvals.
 */
export function createApprovalRepository(driver: StoreDriver): ApprovalRepository {
  const get = (id: string) => driver.get<ApprovalRecord>(storeKeys.approval(id));
  return {
    get,
    async open(record: ApprovalRecord) {
      const existing = await get(record.id);
      if (existing) return existing;
      await driver.addMember(storeKeys.approvalIndex(record.key), record.id);
      await driver.set(storeKeys.approval(record.id), record);
      return record;
    },
    async decide(id: string, decision: ApprovalDecision) {
      const record = await get(id);
      if (!record || record.decision) return false;
      if (!(await driver.setIfAbsent(storeKeys.approvalDecided(id), DECIDED_MARK_TTL_MS))) return false;
      await driver.set(storeKeys.approval(id), { ...record, decision });
      return true;
    },
    async deleteFor(key: ConversationKey) {
      const index = storeKeys.approvalIndex(key);
      for (const id of await driver.members(index)) {
        await driver.delete(storeKeys.approval(id));
        await driver.removeMember(index, id);
      }
    },
  };
}
