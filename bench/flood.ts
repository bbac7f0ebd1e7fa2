import { type FakeOpenAI, text } from '../src/model-server/index.js';
import {
  appMention,
  channelMessage,
  eventCallback,
  FakeSlack,
  MENTION,
  shownText,
  userTs,
} from '../test/fakes/slack/index.js';
import { BenchBot } from './bot.js';
import { longAnswer } from './long-answer.js';
import { until } from './pacing-discord.js';
import { enforceSlackLimits } from './pacing-slack.js';
import { callsIn, carriesText } from './slack-traces.js';
import { now, sleep } from './stats.js';

/** Scenario 3c: one user floods a channel while someone else asks there. */
export interface FloodFigures {
  /** Messages the flooding user sent, and over how long. */
  messages: number;
  floodS: number;
  /** RATE_LIMIT_PER_USER_PER_MIN during the run. */
  perUserPerMinute: number;
  /** "You are sending messages faster than I can answer" notices posted in the channel. */
  noticesInChannel: number;
  /** Ephemeral replies to the flooding user (only they see them). */
  ephemeralReplies: number;
  /** The other user's question: event sent → first text visible, seconds; on a quiet server; the difference. */
  otherFirstTextS: number;
  quietFirstTextS: number;
  addedS: number;
  /** 429s the fake answered. */
  rateLimited: number;
}

const CHANNEL = 'C0FLOOD001';
const FLOODER = 'U0FLOOD001';
const OTHER = 'U0OTHER001';
const LIMIT = 20;

/**
 * One user sends `messages` mentions in one channel within `floodMs` (each a question of its own);
 * halfway through, another user asks in the same channel. Real time, Slack's published limits
 * (chat.postMessage per channel), RATE_LIMIT_PER_USER_PER_MIN at its default (20). Counts the notices
 * the bot posted in the channel and how much later the other user's first text showed than on a quiet
 * server (the same question alone).
 */
export async function flood(
  openai: FakeOpenAI,
  messages: number,
  floodMs: number,
  answerMs = 2000,
): Promise<FloodFigures> {
  const answer = longAnswer(200);
  const delayMs = Math.round(answerMs / 20);
  openai.setScript(() => [text(answer, { chunkSize: Math.ceil(answer.length / 20), delayMs })]);
  const quiet = await withBot(openai, async (bot, slack) => {
    const asked = await ask(bot, slack, OTHER, 'the quiet question');
    await until(() => firstText(slack, asked) !== undefined, 60_000, 'the quiet answer');
    await bot.idle();
    return firstText(slack, asked);
  });
  return withBot(openai, async (bot, slack) => {
    const startedAt = now();
    let other: Asked | undefined;
    for (let i = 0; i < messages; i++) {
      if (other === undefined && i >= messages / 2) other = await ask(bot, slack, OTHER, 'my own question');
      const at = startedAt + (i * floodMs) / messages;
      const wait = at - now();
      if (wait > 0) await sleep(wait);
      await ask(bot, slack, FLOODER, `flood ${i}`);
    }
    const floodS = (now() - startedAt) / 1000;
    other ??= await ask(bot, slack, OTHER, 'my own question');
    const asked = other;
    await until(() => firstText(slack, asked) !== undefined, 5 * 60_000, 'the other user’s answer');
    await bot.idle();
    const inChannel = slack.state.messages.filter(
      (m) => m.channel === CHANNEL && !m.deleted && /faster than I can answer/.test(shownText(m)),
    );
    const otherS = firstText(slack, asked) ?? Number.NaN;
    const quietS = quiet ?? Number.NaN;
    return {
      messages,
      floodS,
      perUserPerMinute: LIMIT,
      noticesInChannel: inChannel.length,
      ephemeralReplies: slack.state.ephemeral.filter((e) => e.user === FLOODER).length,
      otherFirstTextS: otherS,
      quietFirstTextS: quietS,
      addedS: otherS - quietS,
      rateLimited: slack.calls.filter((c) => c.status === 429).length,
    };
  });
}

interface Asked {
  ts: string;
  sentAt: number;
}

/** A user mentions the bot in the channel (app_mention and its message twin, as Slack sends them). */
async function ask(bot: BenchBot, slack: FakeSlack, user: string, question: string): Promise<Asked> {
  const sender = bot.slackSender;
  if (!sender) throw new Error('the Slack adapter is not running');
  const ts = userTs();
  const fields = { text: `${MENTION} ${question}`, channel: CHANNEL, user, ts };
  slack.addUserMessage({ channel: CHANNEL, ts, user, text: fields.text });
  const sentAt = Date.now();
  for (const event of [appMention(fields), channelMessage(fields)]) {
    const response = await sender.event(eventCallback(event));
    if (response.status !== 200) throw new Error(`Slack event refused: HTTP ${response.status}`);
  }
  return { ts, sentAt };
}

/** Seconds from asking to the first answer text in the question's thread, once there is one. */
function firstText(slack: FakeSlack, asked: Asked): number | undefined {
  const first = callsIn(slack.calls, CHANNEL).find(
    (call) =>
      carriesText(call) &&
      (call.args.thread_ts === asked.ts ||
        slack.state.messages.some((m) => m.ts === call.args.ts && m.thread_ts === asked.ts)),
  );
  return first && (first.at - asked.sentAt) / 1000;
}

async function withBot<T>(
  openai: FakeOpenAI,
  work: (bot: BenchBot, slack: FakeSlack) => Promise<T>,
): Promise<T> {
  const slack = await FakeSlack.start();
  enforceSlackLimits(slack, 1);
  const bot = await BenchBot.start({
    backend: 'responses',
    openai,
    slack,
    env: { RATE_LIMIT_PER_USER_PER_MIN: String(LIMIT) },
  });
  try {
    return await work(bot, slack);
  } finally {
    await bot.close();
    await slack.close();
  }
}
