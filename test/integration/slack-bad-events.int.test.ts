import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appMention,
  appRateLimited,
  eventCallback,
  MENTION,
  SlackBot,
  shownText,
} from '../fakes/slack/index.js';

/**
 * Events the Slack clients cannot handle: `app_rate_limited`, an Events API callback without an inner
 * event. Before the guard, HTTP mode let it hang unacknowledged (Bolt answered 404 after 3 s, so Slack
 * sent it again), and in Socket Mode the client threw on it, unhandled, which ends the process (here:
 * vitest reports the unhandled rejection), and never acknowledged the envelope, which Slack redelivers.
 */

const CHANNEL = 'C0CHAN0001';

describe.each([
  ['HTTP mode', false],
  ['Socket Mode', true],
])('Slack (%s): an event the clients cannot handle', (_mode, socketMode) => {
  let bot: SlackBot;
  beforeAll(async () => {
    bot = await SlackBot.start({ socketMode });
  });
  afterAll(async () => {
    expect(bot.slack.violations).toEqual([]);
    await bot.close();
  });

  /** Delivers `body` as Slack does in this mode; resolves with whether it was acknowledged. */
  async function deliver(body: Record<string, unknown>): Promise<boolean> {
    if (socketMode) return (await bot.slack.socket.send('events_api', body)) !== undefined;
    return (await bot.sender.event(body)).status === 200;
  }

  it('acknowledges and drops app_rate_limited, reporting its type, and goes on answering', async () => {
    expect(await deliver(appRateLimited())).toBe(true);
    await bot.slack.waitFor(() => bot.dropped.length > 0, { what: 'the dropped event' });
    expect(bot.dropped).toEqual(['app_rate_limited']);

    const mention = appMention({ text: `${MENTION} are you still there?` });
    expect(await deliver(eventCallback(mention))).toBe(true);
    await bot.answers(1);
    expect(bot.slack.botMessages(CHANNEL, String(mention.ts)).map(shownText)).toEqual([
      'You said: are you still there?',
    ]);
    expect(bot.dropped).toEqual(['app_rate_limited']);
  });

  it('acknowledges a redelivery of it too, so no restart meets it in a loop', async () => {
    const body = appRateLimited();
    expect(await deliver(body)).toBe(true);
    expect(await deliver(body)).toBe(true);
    await bot.slack.waitFor(() => bot.dropped.length === 3, { what: 'both deliveries dropped' });
    // A well-formed event still goes through the same receiver.
    expect(await deliver(eventCallback({ type: 'app_home_opened', user: 'U0USER0001', tab: 'home' }))).toBe(
      true,
    );
    await bot.handledOf('app_home_opened');
    expect(bot.dropped).toEqual(['app_rate_limited', 'app_rate_limited', 'app_rate_limited']);
  });
});
