import type { LimitsConfig } from '../../config/types.js';
import type { InboundMessage } from '../../core/messages.js';
import type { Store, UsageTotals } from '../../store/types.js';

const MINUTE_MS = 60_000;

/** Why a message is not answered, in words for the user who sent it. */
export interface Refusal {
  code: 'rate_limited' | 'budget_exceeded';
  text: string;
  /**
   * The user was told this already within the minute (by any instance): the notice is posted at most
   * once per user per minute, later refusals are only acknowledged to the user (see `quiet` on the
   * `error` reply event), so that a flood of messages does not become a flood of notices.
   */
  repeat: boolean;
}

const spent = (usage: UsageTotals) => usage.inputTokens + usage.outputTokens;

function untilNextUtcDay(at: Date): string {
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
  const minutes = Math.ceil((midnight - at.getTime()) / MINUTE_MS);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

/**
 * Access and cost control before a message is queued: the user's messages per minute, and the daily
 * token budgets of the user and of the conversation, from the usage the store has recorded (shared by
 * every instance). A limit of 0 is off. Every message is counted, refused ones too, so that a user
 * who keeps sending is not let through by the refusals themselves.
 */
export async function refusalFor(
  message: InboundMessage,
  limits: LimitsConfig,
  store: Store,
  at: Date,
): Promise<Refusal | undefined> {
  const refusal = await reasonToRefuse(message, limits, store, at);
  if (!refusal) return undefined;
  const told = await store.rateLimits.hit(`notice:${refusal.code}:${message.userId}`, MINUTE_MS, at);
  return { ...refusal, repeat: told > 1 };
}

async function reasonToRefuse(
  message: InboundMessage,
  limits: LimitsConfig,
  store: Store,
  at: Date,
): Promise<Omit<Refusal, 'repeat'> | undefined> {
  if (limits.perUserPerMinute > 0) {
    const count = await store.rateLimits.hit(`user:${message.userId}`, MINUTE_MS, at);
    if (count > limits.perUserPerMinute) {
      const wait = Math.ceil((MINUTE_MS - (at.getTime() % MINUTE_MS)) / 1000);
      return {
        code: 'rate_limited',
        text: `You are sending messages faster than I can answer (at most ${limits.perUserPerMinute} a minute). Please wait ${wait} s and send it again.`,
      };
    }
  }
  if (limits.dailyTokensPerUser > 0) {
    const used = spent(await store.usage.forUser(message.userId, at));
    if (used >= limits.dailyTokensPerUser) {
      return {
        code: 'budget_exceeded',
        text: `You have used your daily budget of ${limits.dailyTokensPerUser.toLocaleString('en-US')} tokens. It renews in ${untilNextUtcDay(at)} (midnight UTC).`,
      };
    }
  }
  if (limits.dailyTokensPerConversation > 0) {
    const used = spent(await store.usage.forConversation(message.key, at));
    if (used >= limits.dailyTokensPerConversation) {
      return {
        code: 'budget_exceeded',
        text: `This conversation has used its daily budget of ${limits.dailyTokensPerConversation.toLocaleString('en-US')} tokens. It renews in ${untilNextUtcDay(at)} (midnight UTC); a new conversation has its own.`,
      };
    }
  }
  return undefined;
}
