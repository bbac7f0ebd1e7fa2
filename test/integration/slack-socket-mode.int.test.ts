import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../src/adapters/slack/slack-adapter.js';
import { silentLogger } from '../../src/core/logger.js';
import { FAKE_TEAM, SlackBot, shownText, slashCommand } from '../fakes/slack/index.js';

const CHANNEL = 'C0CHAN0001';

let bot: SlackBot;
beforeAll(async () => {
  bot = await SlackBot.start({ socketMode: true });
});
afterAll(async () => {
  expect(bot.slack.violations).toEqual([]);
  await bot.close();
});

describe('Slack in Socket Mode', () => {
  it('connects through apps.connections.open with the app token, without listening on a port', () => {
    expect(bot.slack.callsOf('apps.connections.open').at(-1)?.result.ok).toBe(true);
    expect(bot.slack.socket.connections).toBe(1);
    expect(bot.adapter.address).toBeUndefined();
  });

  it('takes slash commands over the socket', async () => {
    const ack = await bot.slack.socket.send(
      'slash_commands',
      slashCommand({ command: '/ask', text: 'socket question', response_url: bot.slack.responseUrl() }),
    );
    expect(ack).toEqual({});
    await bot.answers(1);
    const question = bot.slack.state.messages.find((m) => m.text === 'socket question');
    expect(bot.slack.botMessages(CHANNEL, question?.ts ?? '').map(shownText)).toEqual([
      'You said: socket question',
    ]);
  });
});

describe('Slack start-up', () => {
  it('fails with a clear error naming SLACK_BOT_TOKEN when Slack refuses the token', async () => {
    const adapter = createSlackAdapter(
      {
        botToken: 'xoxb-revoked',
        signingSecret: FAKE_TEAM.signingSecret,
        appToken: undefined,
        apiUrl: bot.slack.apiUrl,
        allow: { spaces: [], channels: [], roles: [], users: [] },
        updateIntervalMs: 20,
        approverUsers: [],
      },
      {
        port: 0,
        host: '127.0.0.1',
        toolDisplay: 'full',
        maxAttachmentBytes: 1024,
        deps: { orchestrator: bot.core.orchestrator, store: bot.core.store, logger: silentLogger() },
        // Started last and never connected: it must not take over the running bot's answers.
        webApiRetries: 0,
      },
    );
    await expect(adapter.start()).rejects.toThrow(
      'Slack refused the bot token (invalid_auth): check SLACK_BOT_TOKEN',
    );
    await expect(adapter.stop()).resolves.toBeUndefined();
  });
});
