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
import { startEntryPoint } from '../support/spawn.js';
import { untilStatus } from '../support/until-status.js';

/** `npm start` as an operator runs it: a real process, configured by its environment only. */

let openai: FakeOpenAI;
let slack: FakeSlack;
let discord: FakeDiscord;
let dir: string;

beforeAll(async () => {
  openai = await startFakeOpenAI({ script: () => [text('Paris.')] });
  slack = await FakeSlack.start();
  discord = await FakeDiscord.start();
  dir = mkdtempSync(join(tmpdir(), 'main-'));
});

afterAll(async () => {
  await slack.close();
  await discord.close();
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm start with Discord and Slack (HTTP mode)', () => {
  it('serves health and metrics on PORT beside Slack, answers on both platforms, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const bot = startEntryPoint('main.ts', {
      cwd: dir,
      env: {
        OPENAI_API_KEY: 'test-key',
        OPENAI_BASE_URL: openai.url,
        DISCORD_TOKEN: discord.token,
        DISCORD_API_URL: discord.apiUrl,
        SLACK_BOT_TOKEN: FAKE_TEAM.botToken,
        SLACK_SIGNING_SECRET: FAKE_TEAM.signingSecret,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
        LOG_LEVEL: 'info',
      },
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      expect(JSON.parse(await untilStatus(`${base}/readyz`, 200))).toEqual({ ready: true, failing: [] });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);

      const sender = new SlackSender(`${base}/slack/events`, FAKE_TEAM.signingSecret);
      const mention = appMention({ text: `${MENTION} capital of France?` });
      expect((await sender.event(eventCallback(mention))).status).toBe(200);
      const channel = String(mention.channel);
      const thread = String(mention.ts);
      await slack.waitFor(
        () => slack.botMessages(channel, thread).some((m) => JSON.stringify(m).includes('Paris.')),
        {
          timeoutMs: 15_000,
          what: 'the answer in the thread',
        },
      );

      const { general, bob } = discord.directory;
      const question = discord.sendMessage({
        channelId: general,
        authorId: bob,
        content: 'capital?',
        mention: true,
      });
      await discord.waitFor(
        () => discord.botMessages(question.id).some((m) => m.content.includes('Paris.')),
        {
          timeoutMs: 15_000,
          what: 'the Discord answer in the thread opened from the mention',
        },
      );

      // The run is counted when it ends, a moment after its text reached Slack.
      await untilStatus(`${base}/metrics`, 200, {
        timeoutMs: 5000,
        bodyOk: (body) => /threadloom_runs_total\{backend="responses",ending="completed"\} 2/.test(body),
      });
    } finally {
      bot.signal('SIGTERM');
    }
    const finished = await bot.exited;
    expect(finished.code).toBe(0);
    // Logs are JSON lines on standard error; nothing on standard output; no secret anywhere.
    expect(finished.stdout).toBe('');
    for (const line of finished.stderr.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    expect(finished.stderr).not.toContain(FAKE_TEAM.botToken);
    expect(finished.stderr).not.toContain(FAKE_TEAM.signingSecret);
    expect(finished.stderr).not.toContain(discord.token);
  });
});
