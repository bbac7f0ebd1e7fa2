import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI, text } from '../../src/model-server/index.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import {
  appMention,
  eventCallback,
  FAKE_TEAM,
  FakeSlack,
  MENTION,
  SlackSender,
} from '../fakes/slack/index.js';
import { freePort } from '../support/free-port.js';
import { type KillableBot, killBot, slackText, startKillableBot } from '../support/killable-bot.js';

/**
 * The bot process is killed (SIGKILL: no shutdown code runs) in the middle of a streamed answer and
 * started again on the same store: the answer must arrive whole, in the message that was already
 * there, exactly once. Each restarted process also serves the next trial's question, so twenty
 * trials cost twenty-one process starts.
 */

const TRIALS = 20;
/** About 1.2 s of streaming: long enough to be killed in the middle, short enough for 20 trials. */
const ANSWER = Array.from(
  { length: 24 },
  (_, i) => `Sentence ${i + 1} of the answer, which keeps streaming for a while.`,
).join(' ');

let openai: FakeOpenAI;
let discord: FakeDiscord;
let slack: FakeSlack;
let dir: string;

beforeAll(async () => {
  openai = await startFakeOpenAI({ script: () => [text(ANSWER, { chunkSize: 32, delayMs: 25 })] });
  discord = await FakeDiscord.start();
  slack = await FakeSlack.start();
  dir = mkdtempSync(join(tmpdir(), 'crash-'));
});

afterAll(async () => {
  await slack.close();
  await discord.close();
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
});

type Platform = 'discord' | 'slack';
type Bot = KillableBot;

/** A restart runs on the same PORT: the same instance, which takes its conversations back at once. */
const startBot = (platform: Platform, backend: 'responses' | 'assistants', store: string, port: number) =>
  startKillableBot({ platform, backend, fakes: { openai, discord, slack }, dir, store, port });

/** One platform's view of a conversation: ask there, and read the answer messages back. */
interface Chat {
  ask(bot: Bot, trial: number): Promise<{ answers: () => string[]; all: () => string[] }>;
  waitFor(probe: () => boolean, what: string): Promise<unknown>;
}

const chats: Record<Platform, Chat> = {
  discord: {
    async ask(_bot, trial) {
      const { general, bob } = discord.directory;
      const question = discord.sendMessage({
        channelId: general,
        authorId: bob,
        content: `question ${trial}`,
        mention: true,
      });
      const mine = () => discord.botMessages(question.id).filter((m) => !m.deleted);
      return {
        all: () => mine().map((m) => m.content),
        answers: () =>
          mine()
            .map((m) => m.content)
            .filter((c) => c.startsWith('Sentence 1 ')),
      };
    },
    waitFor: (probe, what) => discord.waitFor(probe, { timeoutMs: 20_000, what }),
  },
  slack: {
    async ask(bot, trial) {
      const mention = appMention({ text: `${MENTION} question ${trial}` });
      const sender = new SlackSender(`${bot.url}/slack/events`, FAKE_TEAM.signingSecret);
      expect((await sender.event(eventCallback(mention))).status).toBe(200);
      const mine = () =>
        slack.botMessages(String(mention.channel), String(mention.ts)).filter((m) => !m.deleted);
      return {
        all: () => mine().map(slackText),
        answers: () =>
          mine()
            .map(slackText)
            .filter((c) => c.startsWith('Sentence 1 ')),
      };
    },
    waitFor: (probe, what) => slack.waitFor(probe, { timeoutMs: 20_000, what }),
  },
};

async function crashTrials(
  platform: Platform,
  backend: 'responses' | 'assistants',
  trials: number,
): Promise<void> {
  const store = `${platform}-${backend}.sqlite`;
  const chat = chats[platform];
  const port = await freePort();
  let bot = await startBot(platform, backend, store, port);
  try {
    for (let trial = 0; trial < trials; trial++) {
      const thread = await chat.ask(bot, trial);
      await chat.waitFor(() => thread.answers().length > 0, `trial ${trial}: the first text of the answer`);
      // Somewhere in the middle of the stream (the journal write after a post takes a moment).
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 350));
      await killBot(bot);
      expect(thread.answers().join(''), `trial ${trial} was killed after the answer was complete`).not.toBe(
        ANSWER,
      );

      bot = await startBot(platform, backend, store, port);
      await chat.waitFor(
        () => thread.answers()[0] === ANSWER,
        `trial ${trial}: the whole answer after the restart`,
      );
      // Exactly once: one answer message (the one posted before the crash), and no other copy.
      expect(thread.answers(), `trial ${trial}`).toEqual([ANSWER]);
      expect(
        thread.all().filter((c) => c.includes('Sentence 1 ')),
        `trial ${trial}`,
      ).toHaveLength(1);
    }
  } finally {
    await killBot(bot);
  }
}

describe('a bot killed mid-answer and started again', () => {
  it(`finishes the answer in place, exactly once (Discord, Responses backend, ${TRIALS} trials)`, async () => {
    await crashTrials('discord', 'responses', TRIALS);
  }, 240_000);

  it('finishes the answer in place, exactly once (Discord, Assistants backend, 5 trials)', async () => {
    await crashTrials('discord', 'assistants', 5);
  }, 120_000);

  it('finishes the answer in place, exactly once (Slack HTTP mode, Responses backend, 5 trials)', async () => {
    await crashTrials('slack', 'responses', 5);
  }, 120_000);
});
