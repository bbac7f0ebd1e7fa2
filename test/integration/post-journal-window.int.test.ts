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
import { createStore } from '../../src/store/create-store.js';
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
import { type RunningEntryPoint, startEntryPoint } from '../support/spawn.js';
import { untilStatus } from '../support/until-status.js';

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

interface Bot {
  process: RunningEntryPoint;
  url: string;
}

type Platform = 'discord' | 'slack';

/** A restart runs on the same PORT and store: the same instance, which takes its conversations back. */
async function startBot(platform: Platform, port: number): Promise<Bot> {
  const platformEnv =
    platform === 'discord'
      ? { DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, DISCORD_EDIT_INTERVAL_MS: '200' }
      : {
          SLACK_BOT_TOKEN: FAKE_TEAM.botToken,
          SLACK_SIGNING_SECRET: FAKE_TEAM.signingSecret,
          SLACK_API_URL: slack.apiUrl,
        };
  const bot = startEntryPoint('main.ts', {
    cwd: dir,
    env: {
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: openai.url,
      ASSISTANT_BACKEND: 'responses',
      ...platformEnv,
      PORT: String(port),
      STORE_URL: `sqlite://${join(dir, `${platform}.sqlite`)}`,
      LOG_LEVEL: 'info',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await untilStatus(`${url}/readyz`, 200, { timeoutMs: 30_000 });
  } catch (error) {
    bot.signal('SIGKILL');
    throw new Error(`the bot did not become ready:\n${bot.output().stderr}`, { cause: error });
  }
  return { process: bot, url };
}

/**
 * Waits until the bot's store has the run's record: the working line goes up at the turn's start,
 * alongside the request, and the record is written once the run exists at the service. Killed before
 * that, there is nothing to resume (a different window, not this test's).
 */
async function untilRunRecorded(platform: Platform): Promise<void> {
  const store = await createStore({ kind: 'sqlite', path: join(dir, `${platform}.sqlite`) });
  try {
    const deadline = Date.now() + 10_000;
    while ((await store.runs.list()).length === 0) {
      if (Date.now() > deadline) throw new Error('the run was never recorded');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await store.close();
  }
}

async function kill(bot: Bot): Promise<void> {
  bot.process.signal('SIGKILL');
  await bot.process.exited;
}

/** What a Slack message shows: streamed Markdown, or the text of its first block. */
const slackText = (m: SlackMessage) =>
  m.markdown ?? String((m.blocks?.[0] as { text?: unknown } | undefined)?.text ?? m.text ?? '');

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
      await kill(bot);
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
      await kill(bot);
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
      await untilRunRecorded('slack');
      await kill(bot);
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
      await kill(bot);
    }
  }, 90_000);
});
