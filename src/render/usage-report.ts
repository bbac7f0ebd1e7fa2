import type { LimitsConfig } from '../config/types.js';
import type { UsageTotals } from '../store/types.js';

/** Limits when an adapter is given none: every limit off (0), as in `LimitsConfig`. */
export const DEFAULT_LIMITS = {
  perUserPerMinute: 0,
  dailyTokensPerUser: 0,
  dailyTokensPerConversation: 0,
} as const satisfies LimitsConfig;

/** What `/usage` and `!usage` show. */
export interface UsageReportInput {
  /** The asking user's totals for today (UTC). */
  user: UsageTotals;
  /** The totals of the thread or DM it was asked in, when the bot serves one there. */
  conversation?: UsageTotals | undefined;
  limits: LimitsConfig;
}

const count = (n: number) => n.toLocaleString('en-US');

/** One line of totals; budgets count input + output tokens (reasoning is part of output). */
function totalsLine(totals: UsageTotals): string {
  const runs = totals.runs === 1 ? '1 run' : `${count(totals.runs)} runs`;
  return (
    `${count(totals.inputTokens + totals.outputTokens)} tokens: ${count(totals.inputTokens)} input, ` +
    `${count(totals.outputTokens)} output (${count(totals.reasoningTokens)} reasoning), ${runs}`
  );
}

function budgetLine(what: string, limit: number, totals: UsageTotals | undefined): string {
  if (limit <= 0) return `- ${what}: no limit`;
  const used = totals === undefined ? '' : `, ${count(totals.inputTokens + totals.outputTokens)} used`;
  return `- ${what}: ${count(limit)} tokens a day${used}`;
}

/**
 * The usage report, as Markdown both platforms render: today's (UTC) tokens of the user and of the
 * conversation, and the limits that apply (0 is shown as "no limit").
 */
export function usageReport({ user, conversation, limits }: UsageReportInput): string {
  const lines = ['**Your usage today (UTC)**', `- You: ${totalsLine(user)}`];
  if (conversation !== undefined) lines.push(`- This conversation: ${totalsLine(conversation)}`);
  lines.push(
    '',
    '**Limits**',
    budgetLine('Your daily budget', limits.dailyTokensPerUser, user),
    budgetLine('Daily budget per conversation', limits.dailyTokensPerConversation, conversation),
    limits.perUserPerMinute > 0
      ? `- Messages: at most ${count(limits.perUserPerMinute)} a minute`
      : '- Messages per minute: no limit',
  );
  return lines.join('\n');
}
