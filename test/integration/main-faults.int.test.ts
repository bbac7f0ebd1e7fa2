import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI, text } from '../../src/model-server/index.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import { withoutEntitlements } from '../fakes/discord/quirks.js';
import {
  appMention,
  appRateLimited,
  eventCallback,
  FAKE_TEAM,
  FakeSlack,
  MENTION,
  shownText,
} from '../fakes/slack/index.js';
import { freePort } from '../support/free-port.js';
import { startEntryPoint } from '../support/spawn.js';
import { untilStatus } from '../support/until-status.js';

/**
 * `npm start` with both platforms, each fed an event its client cannot read: an interaction without
 * `entitlements` (discord.js throws in its packet handling) and `app_rate_limited` over Socket Mode
 * (the Socket Mode client throws before Bolt). Either used to end the process, taking the other
 * platform with it.
 */

let openai: FakeOpenAI;
let slack: FakeSlack;
let discord: FakeDiscord;
let dir: string;

beforeAll(async () => {
  openai = await startFakeOpenAI({ script: () => [text('Paris.')] });
  slack = await FakeSlack.start();
  discord = await FakeDiscord.start();
  dir = mkdtempSync(join(tmpdir(), 'main-faults-'));
});

afterAll(async () => {
  await slack.close();
  await discord.close();
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
});

const dropped = (platform: string, type: string, count: number) =>
  `threadloom_dropped_events_total{platform="${platform}",type="${type}"} ${count}`;

describe('npm start with Discord and Slack (Socket Mode), each fed an event its client cannot read', () => {
  it('drops both events, logs their types, counts them in /metrics, and both platforms go on answering', async () => {
    const port = await freePort();
    const bot = startEntryPoint('main.ts', {
      cwd: dir,
      env: {
        OPENAI_API_KEY: 'test-key',
        OPENAI_BASE_URL: openai.url,
        DISCORD_TOKEN: discord.token,
        DISCORD_API_URL: discord.apiUrl,
        SLACK_BOT_TOKEN: FAKE_TEAM.botToken,
        SLACK_APP_TOKEN: FAKE_TEAM.appToken,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
        LOG_LEVEL: 'info',
      },
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      await untilStatus(`${base}/readyz`, 200);
      const { general, alice, bob } = discord.directory;

      discord.gateway.alterNext('INTERACTION_CREATE', withoutEntitlements);
      const broken = discord.slashCommand({
        name: 'ask',
        channelId: general,
        userId: alice,
        options: { prompt: 'x' },
      });
      // Acknowledged: Slack will not send it again.
      await slack.socket.send('events_api', appRateLimited());

      const metrics = await untilStatus(`${base}/metrics`, 200, {
        timeoutMs: 10_000,
        bodyOk: (body) =>
          body.includes(dropped('discord', 'INTERACTION_CREATE', 1)) &&
          body.includes(dropped('slack', 'app_rate_limited', 1)),
      });
      expect(metrics).toContain('threadloom_process_faults_total{kind="unhandled_rejection"} 0');
      expect(metrics).toContain('threadloom_process_faults_total{kind="uncaught_exception"} 0');
      await discord.waitFor(() => discord.interaction(broken.id).acknowledged === 'replied', {
        what: 'the dropped interaction answered with a short line',
      });

      // Both platforms still answer.
      const mention = appMention({ text: `${MENTION} capital of France?` });
      await slack.socket.send('events_api', eventCallback(mention));
      await slack.waitFor(
        () =>
          slack
            .botMessages(String(mention.channel), String(mention.ts))
            .some((m) => shownText(m).includes('Paris.')),
        { timeoutMs: 15_000, what: 'the Slack answer' },
      );
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
          what: 'the Discord answer',
        },
      );
    } finally {
      bot.signal('SIGTERM');
    }
    const finished = await bot.exited;
    expect(finished.code).toBe(0);
    const lines = finished.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const drops = lines.filter((l) => String(l.msg).includes('dropped'));
    expect(drops.map((l) => `${l.platform} ${l.event}`).sort()).toEqual([
      'discord INTERACTION_CREATE',
      'slack app_rate_limited',
    ]);
    expect(lines.filter((l) => l.fault !== undefined)).toEqual([]);
    expect(finished.stderr).not.toContain(FAKE_TEAM.botToken);
    expect(finished.stderr).not.toContain(FAKE_TEAM.appToken);
    expect(finished.stderr).not.toContain(discord.token);
  });
});
