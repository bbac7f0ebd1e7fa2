import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeOpenAI,
  type ScriptStep,
  startFakeOpenAI,
  text,
  wait,
} from '../../src/model-server/index.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import {
  appMention,
  eventCallback,
  FAKE_TEAM,
  FakeSlack,
  MENTION,
  type FakeMessage as SlackMessage,
  SlackSender,
} from '../fakes/slack/index.js';
import { freePort } from '../support/free-port.js';
import { killBot, slackText, startKillableBot } from '../support/killable-bot.js';

/**
 * The window between a post and its journal entry: the platform makes the message, and the bot process
 * is killed (SIGKILL) before it reads the answer, so its journal never hears of the message. Started
 * again on the same store, the bot resumes the answer and must finish it in that message: no second
 * copy of the text, no stale "Working on it…" line left behind. The fakes keep the answer back
 * (`holdAnswer`) and tell the test, which kills the process at that moment.
 */

/** About 2.5 s of streaming, after two seconds of nothing (the working line goes up first). */
const ANSWER = Array.from({ length: 24 }, (_, i) => `Sentence ${i + 1} of the answer, streaming on.`).join(
  ' ',
);
const STEPS: ScriptStep[] = [wait(2000), text(ANSWER, { chunkSize: 48, delayMs: 100 })];

let openai: FakeOpenAI;
let discord: FakeDiscord;
let slack: FakeSlack;
let dir: string;

beforeAll(async () => {
  openai = await startFakeOpenAI({ script: () => STEPS });
  discord = await FakeDiscord.start();
  slack = await FakeSlack.start();
  dir = mkdtempSync(join(tmpdir(), 'post-journal-'));
});

afterAll(async () => {
  await slack.close();
  await discord.close();
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
});

type Platform = 'discord' | 'slack';

/** A restart runs on the same PORT and store: the same instance, which takes its conversations back. */
const startBot = (platform: Platform, port: number) =>
  startKillableBot({ platform, fakes: { openai, discord, slack }, dir, store: `${platform}.sqlite`, port });

describe('a bot killed between a post and its journal entry', () => {
  it('finishes the answer in the message Discord made, with no second copy', async () => {
    const port = await freePort();
    let bot = await startBot('discord', port);
    try {
      const { general, bob } = discord.directory;
      const held = discord.holdAnswer({
        method: 'POST',
        route: '/channels/{channel_id}/messages',
        matching: (json) => String((json as { content?: unknown }).content ?? '').startsWith('Sentence 1 '),
      });
      const question = discord.sendMessage({
        channelId: general,
        authorId: bob,
        content: 'tell me a long story',
        mention: true,
      });
      await held;
      await killBot(bot);
      const mine = () => discord.botMessages(question.id).filter((m) => !m.deleted);
      const copies = () => mine().filter((m) => m.content.includes('Sentence 1 '));
      expect(copies().map((m) => m.content)).toHaveLength(1);
      expect(copies()[0]?.content).not.toBe(ANSWER);

      bot = await startBot('discord', port);
      await discord.waitFor(() => copies().some((m) => m.content === ANSWER), {
        timeoutMs: 20_000,
        what: 'the whole answer after the restart',
      });
      // Exactly once: the message made before the crash, finished; no other copy.
      expect(copies().map((m) => m.content)).toEqual([ANSWER]);
    } finally {
      await killBot(bot);
    }
  }, 90_000);

  it('finishes the answer where Slack has it, with no stale working line (HTTP mode)', async () => {
    const port = await freePort();
    let bot = await startBot('slack', port);
    try {
      const mention = appMention({ text: `${MENTION} tell me a long story` });
      const thread = String(mention.ts);
      // The first post in the thread: the working line, which the answer's text then takes.
      const held = slack.holdAnswer('chat.postMessage', (args) => args.thread_ts === thread);
      const sender = new SlackSender(`${bot.url}/slack/events`, FAKE_TEAM.signingSecret);
      expect((await sender.event(eventCallback(mention))).status).toBe(200);
      await held;
      // The working line goes up alongside the request; the run's record once the run exists at the
      // service. Killed before that, there is nothing to resume (a different window, not this test's).
      await bot.process.untilError(/run started/, 10_000);
      await killBot(bot);
      const mine = () => slack.botMessages(String(mention.channel), thread).filter((m) => !m.deleted);
      expect(mine()).toHaveLength(1);

      bot = await startBot('slack', port);
      await slack.waitFor(() => mine().length === 1 && slackText(mine()[0] as SlackMessage) === ANSWER, {
        timeoutMs: 20_000,
        what: 'the whole answer, alone in the thread, after the restart',
      });
      expect(mine().map(slackText)).toEqual([ANSWER]);
      expect(slack.violations).toEqual([]);
    } finally {
      await killBot(bot);
    }
  }, 90_000);
});
