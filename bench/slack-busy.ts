import { type FakeOpenAI, text } from '../src/model-server/index.js';
import { FakeSlack } from '../test/fakes/slack/index.js';
import { BenchBot } from './bot.js';
import { SlackTurns } from './drivers.js';
import { longAnswer } from './long-answer.js';
import { clockOffset, modelSpans } from './model-spans.js';
import { until } from './pacing-discord.js';
import { enforceSlackLimits } from './pacing-slack.js';
import { callsIn, carriesText } from './slack-traces.js';
import { median, now, percentile, sleep } from './stats.js';

/** Scenario 3b: new answers in a Slack workspace whose Tier 2 budget is spent. */
export interface BusyWorkspaceFigures {
  /** Answers that kept streams open all along (what spends Tier 2). */
  holding: number;
  /** New answers measured, and how far apart they came. */
  answers: number;
  spacingS: number;
  /** All of them complete. */
  complete: number;
  /** 429s the fake answered. */
  rateLimited: number;
  /** From the model's first token of a new answer to its first text visible on Slack, seconds. */
  firstTextS: { p50: number; p95: number };
  /** From the model's last token to the final text visible, seconds. */
  finalLagS: { p50: number; p95: number };
}

/**
 * A busy team on Slack, in real time with Slack's published limits: `holding` long answers keep
 * streams open all along (so that no Tier 2 turn is free for a stream), while `count` people ask
 * something new, one every `spacingMs`, in ten channels, each answer `answerMs` of model time. Measures
 * how soon each new answer's text shows.
 */
export async function busyWorkspace(
  openai: FakeOpenAI,
  holding: number,
  count: number,
  spacingMs: number,
  answerMs = 2000,
): Promise<BusyWorkspaceFigures> {
  // One Slack message each (under 12,000 characters): a holder keeps one stream open, no more.
  const long = longAnswer(2000);
  const short = longAnswer(200);
  // Holders stream until well after the last question; new answers take about 2 s.
  const holdS = Math.ceil((1.25 * count * spacingMs) / 1000) + Math.ceil((1.5 * answerMs) / 1000);
  openai.setScript((context) =>
    context.text.includes('hold the line')
      ? [text(long, { chunkSize: Math.ceil(long.length / holdS), delayMs: 1000 })]
      : [text(short, { chunkSize: Math.ceil(short.length / 20), delayMs: Math.round(answerMs / 20) })],
  );
  const slack = await FakeSlack.start();
  enforceSlackLimits(slack, 1);
  const bot = await BenchBot.start({ backend: 'responses', openai, slack });
  const channelOf = (c: number) =>
    c < holding ? `C0HOLD${String(c).padStart(4, '0')}` : `C0BUSY${String(c % 10).padStart(4, '0')}`;
  const turns = new SlackTurns(bot, slack, short.slice(0, 10), channelOf);
  const asked = Array.from({ length: holding + count }, (_, c) =>
    c < holding ? `hold the line ${c}` : `busy question ${c}`,
  );
  try {
    const startedAt = now();
    // One holder after the other, each once the one before streams: Tier 2 is theirs before anyone
    // new asks. The bot starts a stream only while it keeps a turn for every open stream's stop: with
    // Tier 2's three turns (18 a minute) a third stream can start once the budget has refilled, about
    // 7 s after the second.
    for (let c = 0; c < holding; c++) {
      if (c >= 2) await sleep(7000);
      await turns.deliver(c, asked[c] ?? '');
      await until(
        () => slack.callsOf('chat.startStream').filter((call) => call.result.ok).length > c,
        60_000,
        'the long answers streaming',
      );
    }
    for (let c = holding; c < holding + count; c++) {
      await turns.deliver(c, asked[c] ?? '');
      await sleep(spacingMs);
    }
    const shows = (c: number) => (turns.answers(c)?.count ?? 0) > 0;
    await until(() => asked.every((_, c) => c < holding || shows(c)), 10 * 60_000, 'every new answer');
    await bot.idle();
    const calls = slack.calls.filter((call) => call.at >= startedAt - 1);
    const spans = modelSpans(openai, asked);
    const offset = clockOffset();
    const first: number[] = [];
    const final: number[] = [];
    let complete = 0;
    for (let c = holding; c < holding + count; c++) {
      const where = turns.answers(c);
      const span = spans[c];
      if (!where || !span) continue;
      const texts = callsIn(calls, where.channel).filter(
        (call) => carriesText(call) && (call.args.thread_ts === where.thread || isIn(slack, call, where)),
      );
      const firstAt = texts[0]?.at;
      const lastAt = texts.at(-1)?.at;
      if (firstAt === undefined || lastAt === undefined) continue;
      complete += 1;
      first.push((firstAt - (span.firstTokenAt + offset)) / 1000);
      final.push((lastAt - (span.lastTokenAt + offset)) / 1000);
    }
    return {
      holding,
      answers: count,
      spacingS: spacingMs / 1000,
      complete,
      rateLimited: calls.filter((call) => call.status === 429).length,
      firstTextS: { p50: median(first), p95: percentile(first, 95) },
      finalLagS: { p50: median(final), p95: percentile(final, 95) },
    };
  } finally {
    await bot.close();
    await slack.close();
  }
}

/** Whether a call (an update, by ts) was on a message of this thread. */
function isIn(
  slack: FakeSlack,
  call: { args: Readonly<Record<string, unknown>> },
  where: { channel: string; thread: string },
): boolean {
  const ts = call.args.ts;
  if (typeof ts !== 'string') return false;
  return slack.state.messages.some(
    (m) => m.channel === where.channel && m.ts === ts && m.thread_ts === where.thread,
  );
}
