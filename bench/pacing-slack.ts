import { DEFAULT_SLACK_RATES, type SlackRates } from '../src/adapters/slack/slack-api.js';
import { type FakeOpenAI, text } from '../src/model-server/index.js';
import { FakeSlack, shownText } from '../test/fakes/slack/index.js';
import { BenchBot } from './bot.js';
import { SlackTurns } from './drivers.js';
import { longAnswer, normalise } from './long-answer.js';
import { type AnswerTrace, type MessageTrace, type PacingFigures, pacingFigures } from './pacing.js';
import { until } from './pacing-discord.js';
import { now } from './stats.js';

/** Slack's published per-method limits per workspace (calls a minute), as the fake enforces them. */
const SLACK_TIERS: Readonly<Record<string, { perMinute: number; burst: number }>> = {
  'chat.startStream': { perMinute: 20, burst: DEFAULT_SLACK_RATES.tier2.burst },
  'chat.stopStream': { perMinute: 20, burst: DEFAULT_SLACK_RATES.tier2.burst },
  'chat.update': { perMinute: 50, burst: DEFAULT_SLACK_RATES.tier3.burst },
  'chat.delete': { perMinute: 50, burst: DEFAULT_SLACK_RATES.tier3.burst },
  'conversations.replies': { perMinute: 50, burst: DEFAULT_SLACK_RATES.tier3.burst },
  'chat.appendStream': { perMinute: 100, burst: DEFAULT_SLACK_RATES.tier4.burst },
};

function scaled(rates: SlackRates, k: number): SlackRates {
  const times = (r: SlackRates[keyof SlackRates]) => ({ perSecond: r.perSecond * k, burst: r.burst });
  return {
    tier2: times(rates.tier2),
    tier3: times(rates.tier3),
    tier4: times(rates.tier4),
    postPerChannel: times(rates.postPerChannel),
    special: times(rates.special),
  };
}

/**
 * Scenario 3 on Slack: `n` people mention the bot at once, each in their own channel of one workspace;
 * answers of `words` words stream natively (chat.startStream / appendStream / stopStream). The fake
 * enforces Slack's per-method tiers per workspace (429 `ratelimited` past them). At Slack's real
 * figures 200 answers need 400 Tier 2 calls, 20 minutes at 20 a minute, so time runs `k` times faster:
 * the fake's limits, the bot's budgets and intervals and the model's pace are all multiplied by `k`,
 * and the figures are converted back to real time.
 */
export async function pacingOnSlack(
  openai: FakeOpenAI,
  n: number,
  words: number,
  k: number,
): Promise<PacingFigures> {
  const answer = longAnswer(words);
  // About 100 tokens/s in real time, as on Discord.
  openai.setScript(() => [text(answer, { chunkSize: 400, delayMs: Math.max(1, Math.round(1000 / k)) })]);
  const slack = await FakeSlack.start();
  for (const [method, limit] of Object.entries(SLACK_TIERS)) {
    slack.enforceRate(method, { perSecond: (limit.perMinute / 60) * k, burst: limit.burst });
  }
  const bot = await BenchBot.start({
    backend: 'responses',
    openai,
    slack,
    slackRates: scaled(DEFAULT_SLACK_RATES, k),
    appendIntervalMs: Math.round(500 / k),
    env: { SLACK_UPDATE_INTERVAL_MS: String(Math.max(1, Math.round(1500 / k))) },
  });
  const channels = Array.from({ length: n }, (_, i) => `C0BENCH${String(i).padStart(4, '0')}`);
  const turns = new SlackTurns(bot, slack, answer.slice(0, 10), (c) => channels[c]);
  const expected = normalise(answer);
  const answerOf = (c: number) => {
    const where = turns.answers(c);
    if (!where) return [];
    return slack.botMessages(where.channel, where.thread).filter((m) => !shownText(m).startsWith('Working'));
  };
  const shows = (c: number) =>
    answerOf(c).every((m) => m.stream !== 'streaming') &&
    normalise(answerOf(c).map(shownText).join('\n')) === expected;
  try {
    const startedAt = now();
    await Promise.all(channels.map((_, c) => turns.deliver(c, `question ${c}`)));
    await until(() => channels.every((_, c) => shows(c)), 20 * 60_000, 'every Slack answer');
    await bot.idle();
    const wallMs = now() - startedAt;
    const calls = slack.calls.filter((c) => c.at >= startedAt - 1);
    const answers: AnswerTrace[] = [];
    const messages: MessageTrace[] = [];
    for (const [c, channel] of channels.entries()) {
      const mine = calls.filter((call) => (call.args.channel ?? call.args.channel_id) === channel);
      const texts = mine.filter((call) => /^chat\.(startStream|appendStream|stopStream)$/.test(call.method));
      answers.push({
        firstTextAt: texts[0]?.at ?? Number.NaN,
        lastTextAt: texts.at(-1)?.at ?? Number.NaN,
        calls: mine.length,
        complete: shows(c),
      });
      for (const message of answerOf(c)) {
        const appends = mine.filter(
          (call) => call.method === 'chat.appendStream' && call.args.ts === message.ts,
        );
        const start = mine.find(
          (call) => call.method === 'chat.startStream' && call.result.ok && call.result.ts === message.ts,
        );
        const last = appends.at(-1);
        messages.push({ edits: appends.length, spanMs: last && start ? last.at - start.at : 0 });
      }
    }
    return pacingFigures({
      answers,
      messages,
      callTimes: calls.map((c) => c.at),
      rateLimited: calls.filter((c) => c.status === 429).length,
      conversations: n,
      words,
      wallMs,
      scale: k,
    });
  } finally {
    await bot.close();
    await slack.close();
  }
}
