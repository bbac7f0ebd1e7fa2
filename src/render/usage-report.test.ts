import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, usageReport } from './usage-report.js';

const user = { inputTokens: 12_345, outputTokens: 678, reasoningTokens: 90, runs: 3 };
const conversation = { inputTokens: 1_000, outputTokens: 200, reasoningTokens: 0, runs: 1 };

describe('usageReport', () => {
  it('shows the user’s and the conversation’s tokens today with the limits that are set', () => {
    const report = usageReport({
      user,
      conversation,
      limits: { perUserPerMinute: 10, dailyTokensPerUser: 100_000, dailyTokensPerConversation: 50_000 },
    });
    expect(report).toBe(
      [
        '**Your usage today (UTC)**',
        '- You: 13,023 tokens: 12,345 input, 678 output (90 reasoning), 3 runs',
        '- This conversation: 1,200 tokens: 1,000 input, 200 output (0 reasoning), 1 run',
        '',
        '**Limits**',
        '- Your daily budget: 100,000 tokens a day, 13,023 used',
        '- Daily budget per conversation: 50,000 tokens a day, 1,200 used',
        '- Messages: at most 10 a minute',
      ].join('\n'),
    );
  });

  it('says "no limit" for limits that are 0 and leaves out the conversation when there is none', () => {
    const report = usageReport({ user, limits: DEFAULT_LIMITS });
    expect(report).not.toContain('This conversation');
    expect(report).toContain('- Your daily budget: no limit');
    expect(report).toContain('- Daily budget per conversation: no limit');
    expect(report).toContain('- Messages per minute: no limit');
  });

  it('states the conversation budget without a used count outside a conversation', () => {
    const report = usageReport({
      user,
      limits: { ...DEFAULT_LIMITS, dailyTokensPerConversation: 5_000 },
    });
    expect(report).toContain('- Daily budget per conversation: 5,000 tokens a day\n');
  });
});
