import { DEFAULT_SLACK_RATES, type SlackRates } from '../src/adapters/slack/slack-api.js';
import { type FakeOpenAI, text } from '../src/model-server/index.js';
import { splitMessage } from '../src/render/split.js';
import { FakeSlack, type RecordedCall, shownText } from '../test/fakes/slack/index.js';
import { BenchBot } from './bot.js';
import { SlackTurns } from './drivers.js';
import { longAnswer, normalise } from './long-answer.js';
import { clockOffset, modelSpans } from './model-spans.js';
import { type AnswerTrace, type MessageTrace, type PacingFigures, pacingFigures } from './pacing.js';
import { until } from './pacing-discord.js';
import { callsIn, carriesText, SLACK_TIERS } from './slack-traces.js';
import { now } from './stats.js';

/** The bot's budgets `k` times faster. */
export function scaled(rates: SlackRates, k: number): SlackRates {
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
 * Holds the fake to Slack's published limits, `k` times faster: the tiers per workspace, and
 * chat.postMessage per channel (about one a second, with short bursts).
 */
export function enforceSlackLimits(slack: FakeSlack, k: number): void {
  const burst: Record<number, number> = {
    20: DEFAULT_SLACK_RATES.tier2.burst,
    50: DEFAULT_SLACK_RATES.tier3.burst,
    100: DEFAULT_SLACK_RATES.tier4.burst,
  };
  for (const [method, perMinute] of Object.entries(SLACK_TIERS)) {
    slack.enforceRate(method, { perSecond: (perMinute / 60) * k, burst: burst[perMinute] ?? 1 });
  }
  slack.enforceRate('chat.postMessage', {
    perSecond: k,
    burst: DEFAULT_SLACK_RATES.postPerChannel.burst,
    perChannel: true,
  });
}

/**
 * Scenario 3 on Slack: `n` people mention the bot at once, each in their own channel of one workspace;
 * answers of `words` words. The fake enforces Slack's per-method tiers per workspace and
 * chat.postMessage per channel (429 `ratelimited` past them). At Slack's real figures this takes
 * minutes, so time runs `k` times faster: the fake's limits, the bot's budgets and intervals and the
 * model's pace are all multiplied by `k`, and the figures are converted back to real time.
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
  enforceSlackLimits(slack, k);
  const bot = await BenchBot.start({
    backend: 'responses',
    openai,
    slack,
    slackRates: scaled(DEFAULT_SLACK_RATES, k),
    appendIntervalMs: Math.round(500 / k),
    env: { SLACK_UPDATE_INTERVAL_MS: String(Math.max(1, Math.round(1500 / k))) },
  });
  const channels = Array.from({ length: n }, (_, i) => `C0BENCH${String(i).padStart(4, '0')}`);
  const asked = channels.map((_, c) => `question ${c}`);
  const turns = new SlackTurns(bot, slack, answer.slice(0, 10), (c) => channels[c]);
  const expected = normalise(answer);
  const inThread = (c: number) => {
    const where = turns.answers(c);
    return where ? slack.botMessages(where.channel, where.thread) : [];
  };
  const answerOf = (c: number) => inThread(c).filter((m) => !shownText(m).startsWith('Working'));
  const shows = (c: number) => normalise(answerOf(c).map(shownText).join('\n')) === expected;
  // Tidy: no working line left, every stream stopped.
  const tidy = (c: number) =>
    inThread(c).every((m) => m.stream !== 'streaming' && !shownText(m).startsWith('Working'));
  try {
    const startedAt = now();
    await Promise.all(channels.map((_, c) => turns.deliver(c, asked[c] ?? '')));
    await until(() => channels.every((_, c) => shows(c)), 20 * 60_000, 'every Slack answer');
    await bot.idle();
    await until(() => channels.every((_, c) => tidy(c)), 20 * 60_000, 'every working line tidied');
    const wallMs = now() - startedAt;
    const calls = slack.calls.filter((c) => c.at >= startedAt - 1);
    const spans = modelSpans(openai, asked);
    const offset = clockOffset();
    // One post per message of 12,000 characters, and a final edit.
    const floor = splitMessage(answer, 12_000).length + 1;
    const answers: AnswerTrace[] = [];
    const messages: MessageTrace[] = [];
    for (const [c, channel] of channels.entries()) {
      const mine = callsIn(calls, channel);
      const texts = mine.filter(carriesText);
      answers.push({
        firstTextAt: texts[0]?.at ?? Number.NaN,
        lastTextAt: finalTextAt(texts, expected),
        calls: mine.length,
        complete: shows(c) && tidy(c),
        modelEndAt: (spans[c]?.lastTokenAt ?? Number.NaN) + offset,
        floor,
      });
      for (const message of answerOf(c)) {
        const shown = texts.filter(
          (call) => call.args.ts === message.ts || (call.result as { ts?: string }).ts === message.ts,
        );
        const first = shown[0];
        const last = shown.at(-1);
        messages.push({
          edits: Math.max(0, shown.length - 1),
          spanMs: first && last ? last.at - first.at : 0,
        });
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

/**
 * When the final text became visible: the first call that put the whole text in a message (a post or
 * an update; later calls only tidied up, e.g. removed the Stop button), or a stream's last append.
 */
function finalTextAt(texts: readonly RecordedCall[], expected: string): number {
  const whole = texts.find((call) => {
    const blocks = Array.isArray(call.args.blocks)
      ? (call.args.blocks as { type?: string; text?: unknown }[])
      : [];
    const markdown = blocks.filter((b) => b.type === 'markdown').map((b) => String(b.text));
    return markdown.length > 0 && normalise(markdown.join('\n')) === expected;
  });
  return whole?.at ?? texts.at(-1)?.at ?? Number.NaN;
}
