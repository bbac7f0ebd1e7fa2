import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter, SLACK_EVENTS_PATH } from '../../src/adapters/slack/slack-adapter.js';
import { silentLogger } from '../../src/core/logger.js';
import {
  appMention,
  channelMessage,
  eventCallback,
  FAKE_TEAM,
  MENTION,
  SlackBot,
  SlackSender,
  shownText,
  slashCommand,
} from '../fakes/slack/index.js';

const CHANNEL = 'C0CHAN0001';

let bot: SlackBot;
beforeAll(async () => {
  bot = await SlackBot.start();
});
afterAll(async () => {
  expect(bot.slack.violations).toEqual([]);
  await bot.close();
});

const answers = (thread: string) =>
  bot.slack
    .botMessages(CHANNEL, thread)
    .map(shownText)
    .filter((t) => t.startsWith('You said'));

describe('Slack: one answer per message', () => {
  it('answers once when a second instance sharing the store gets the retry', async () => {
    const handledThere: string[] = [];
    const second = createSlackAdapter(
      {
        botToken: FAKE_TEAM.botToken,
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
        // The same store; an orchestrator that must never be reached.
        deps: {
          store: bot.core.store,
          logger: silentLogger(),
          orchestrator: {
            registerRenderer: () => undefined,
            submit: () => Promise.reject(new Error('the second instance must not answer')),
            cancel: () => Promise.resolve(false),
            reset: () => Promise.resolve(),
            isBusy: () => false,
            decide: () => Promise.reject(new Error('the second instance must not decide')),
          },
        },
        webApiRetries: 0,
        onHandled: (event) => {
          handledThere.push(event.outcome);
          bot.slack.notify();
        },
      },
    );
    await second.start();
    try {
      const other = new SlackSender(
        `http://127.0.0.1:${second.address?.port}${SLACK_EVENTS_PATH}`,
        FAKE_TEAM.signingSecret,
      );
      const before = bot.rendered.length;
      const event = appMention({ text: `${MENTION} one of many instances` });
      const envelope = eventCallback(event);
      await bot.sender.event(envelope);
      await bot.answers(before + 1);
      expect((await other.event(envelope, { retryNum: 1 })).status).toBe(200);
      expect(
        (await other.event(eventCallback(channelMessage({ text: String(event.text), ts: String(event.ts) }))))
          .status,
      ).toBe(200);
      await bot.slack.waitFor(() => handledThere.length === 2);
      expect(handledThere).toEqual(['duplicate', 'duplicate']);
      expect(answers(String(event.ts))).toEqual(['You said: one of many instances']);
    } finally {
      await second.stop();
    }
  });
});

describe('Slack: request signatures', () => {
  it('refuses a request with a wrong signature with 401, and does nothing', async () => {
    const calls = bot.slack.calls.length;
    const event = appMention({ text: `${MENTION} forged` });
    const response = await bot.sender.event(eventCallback(event), { secret: 'not-the-secret' });
    expect(response.status).toBe(401);
    const command = slashCommand({ command: '/ask', text: 'forged', response_url: bot.slack.responseUrl() });
    expect((await bot.sender.command(command, { secret: 'wrong' })).status).toBe(401);
    expect(bot.slack.calls.length).toBe(calls);
    expect(bot.handled.some((h) => h.ts === event.ts)).toBe(false);
  });

  it('refuses a request signed more than 5 minutes ago with 401, and does nothing', async () => {
    const calls = bot.slack.calls.length;
    const event = appMention({ text: `${MENTION} replayed` });
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const response = await bot.sender.event(eventCallback(event), { timestamp: stale });
    expect(response.status).toBe(401);
    expect(bot.slack.calls.length).toBe(calls);
    expect(bot.handled.some((h) => h.ts === event.ts)).toBe(false);
  });
});

describe('Slack: allowlists', () => {
  let limited: SlackBot;
  beforeAll(async () => {
    limited = await SlackBot.start({
      allow: { spaces: [FAKE_TEAM.teamId], channels: [CHANNEL], users: ['U0USER0001'] },
    });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('answers who is allowed, where they are allowed', async () => {
    const { thread } = await limited.mention('allowed');
    await limited.answers(1);
    expect(limited.slack.botMessages(CHANNEL, thread).map(shownText)).toEqual(['You said: allowed']);
  });

  it('ignores other users, other channels and DMs', async () => {
    const stranger = await limited.mention('let me in', { user: 'U0STRANGER' });
    const elsewhere = await limited.mention('over here', { channel: 'C0OTHER001' });
    const dm = await limited.dm('psst');
    for (const { ts } of [stranger, elsewhere]) {
      const outcomes = (await limited.handledOf('app_mention', 1, ts)).map((h) => h.outcome);
      expect(outcomes).toEqual(['not_allowed']);
    }
    expect((await limited.handledOf('message', 1, dm.ts))[0]?.outcome).toBe('not_allowed');
    expect(limited.submissions.map((s) => s.message.text)).toEqual(['allowed']);
  });

  it('tells a user of a slash command outside the allowlists that it is not enabled there', async () => {
    const url = limited.slack.responseUrl();
    await limited.sender.command(
      slashCommand({ command: '/ask', text: 'hi', response_url: url, channel_id: 'C0OTHER001' }),
    );
    const reply = await limited.slack.waitFor(() =>
      limited.slack.responses.find((r) => url.endsWith(`/${r.id}`)),
    );
    expect(reply.body.text).toBe('threadloom is not enabled here.');
    expect(limited.submissions).toHaveLength(1);
  });
});
