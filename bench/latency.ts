import type { BackendName } from '../src/backends/backend.js';
import { type FakeOpenAI, text } from '../src/model-server/index.js';
import { startFakeDiscord } from '../test/fakes/discord/index.js';
import { FakeSlack } from '../test/fakes/slack/index.js';
import { BenchBot, OPEN_SLACK_RATES } from './bot.js';
import { ConsoleTurns, DiscordTurns, SlackTurns, type TurnDriver } from './drivers.js';
import { modelTimeToFirstToken } from './model-time.js';
import type { BenchSizes } from './sizes.js';
import { median, percentile, sleep } from './stats.js';
import { WebTurns } from './web-turns.js';

export const SHORT_ANSWER = 'Sure, here is a short answer to your question, streamed in small pieces.';

/** Added latency of one adapter on one backend, in ms. */
export interface LatencyFigures {
  turns: number;
  p50: number;
  p95: number;
  /** Of the turns that started a conversation (thread and assistant thread created on the way). */
  firstTurnP50: number;
  /** The fake model's own time to first token, subtracted from each turn. */
  modelTtftP50: number;
}

/**
 * Turns one at a time; each: the platform event leaves the fake platform -> the first answer text is
 * on the fake platform, minus the fake model's own time to first token in that turn.
 */
export async function measureTurns(
  driver: TurnDriver,
  openai: FakeOpenAI,
  sizes: BenchSizes['latency'],
  idle: () => Promise<void>,
  gapMs: number,
): Promise<LatencyFigures> {
  const added: number[] = [];
  const first: number[] = [];
  const model: number[] = [];
  for (let c = 0; c < sizes.conversations; c++) {
    for (let t = 0; t < sizes.turnsEach; t++) {
      const { sentAt, visibleAt } = await driver.turn(c, `question ${t} of conversation ${c}`);
      await idle();
      const ttft = modelTimeToFirstToken(openai, sentAt);
      if (ttft === undefined) throw new Error(`${driver.name}: no model text in a turn`);
      const value = visibleAt - sentAt - ttft;
      added.push(value);
      model.push(ttft);
      if (t === 0) first.push(value);
      if (gapMs > 0) await sleep(gapMs);
    }
  }
  return {
    turns: added.length,
    p50: median(added),
    p95: percentile(added, 95),
    firstTurnP50: median(first),
    modelTtftP50: median(model),
  };
}

/**
 * Scenario 1 on one backend: the console, Discord, Slack and web chat adapters of one bot process (the
 * web chat as a page: a message sent over HTTP, the answer followed over SSE). Discord turns
 * are 200 ms apart so that its 50 requests/s budget (which the bot keeps) is full at every turn; Slack's
 * tier budgets are opened (Tier 2, 20 chat.startStream a minute, would otherwise be the whole figure:
 * pacing under load is scenario 3).
 */
export async function latencyOn(
  backend: BackendName,
  openai: FakeOpenAI,
  sizes: BenchSizes['latency'],
): Promise<Record<'console' | 'discord' | 'slack' | 'web', LatencyFigures>> {
  openai.setScript(() => [text(SHORT_ANSWER, { chunkSize: 8, delayMs: 2 })]);
  const discord = await startFakeDiscord();
  const slack = await FakeSlack.start();
  const bot = await BenchBot.start({
    backend,
    openai,
    discord,
    slack,
    console: true,
    web: true,
    slackRates: OPEN_SLACK_RATES,
  });
  const web = new WebTurns(bot.webUrl ?? '');
  try {
    const idle = () => bot.idle();
    return {
      console: await measureTurns(new ConsoleTurns(bot), openai, sizes, idle, 0),
      discord: await measureTurns(new DiscordTurns(discord), openai, sizes, idle, 200),
      slack: await measureTurns(new SlackTurns(bot, slack, SHORT_ANSWER.slice(0, 4)), openai, sizes, idle, 0),
      web: await measureTurns(web, openai, sizes, idle, 0),
    };
  } finally {
    web.close();
    await bot.close();
    await discord.close();
    await slack.close();
  }
}
