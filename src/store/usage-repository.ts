import type { ConversationKey } from '../core/conversation.js';
import type { Usage } from '../core/reply-events.js';
import type { StoreDriver } from './driver.js';
import { storeKeys } from './keys.js';
import type { UsageRepository, UsageTotals } from './types.js';

/** Token counters per conversation and per user per UTC day; increments never lose a concurrent update. */
export function createUsageRepository(driver: StoreDriver): UsageRepository {
  const totals = async (key: string): Promise<UsageTotals> => toTotals(await driver.counters(key));
  return {
    record: async (key: ConversationKey, userId: string, usage: Usage, at: Date) => {
      const amounts = {
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        reasoningTokens: usage.reasoningTokens,
        runs: 1,
      } satisfies UsageTotals;
      await driver.increment(
        [storeKeys.conversationUsage(key, at), storeKeys.userUsage(userId, at)],
        amounts,
      );
    },
    forUser: (userId: string, day: Date) => totals(storeKeys.userUsage(userId, day)),
    forConversation: (key: ConversationKey, day: Date) => totals(storeKeys.conversationUsage(key, day)),
  };
}

/** Counters as stored -> totals; a day with no runs is all zeros rather than missing. */
function toTotals(counters: Record<string, number>): UsageTotals {
  return {
    inputTokens: counters.inputTokens ?? 0,
    outputTokens: counters.outputTokens ?? 0,
    reasoningTokens: counters.reasoningTokens ?? 0,
    runs: counters.runs ?? 0,
  };
}
