import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ConversationKey, conversationKey } from '../../src/core/conversation.js';
import { echoScript, hang, text } from '../../src/model-server/index.js';
import { FAKE_TEAM, SlackBot, shownText, slashCommand, stopAction } from '../fakes/slack/index.js';

const CHANNEL = 'C0CHAN0001';
const keyOf = (thread: string, channel = CHANNEL) =>
  `slack:${FAKE_TEAM.teamId}:${channel}:${thread}` as ConversationKey;

let bot: SlackBot;
beforeAll(async () => {
  bot = await SlackBot.start();
});
afterEach(() => {
  bot.core.fake.setScript(echoScript);
});
afterAll(async () => {
  expect(bot.slack.violations).toEqual([]);
  await bot.close();
});

const shown = (thread: string, channel = CHANNEL) => bot.slack.botMessages(channel, thread).map(shownText);

/** Starts an answer that streams a little and then runs until stopped; resolves once it is on screen. */
async function longRun(question: string): Promise<{ thread: string; before: number }> {
  bot.core.fake.setScript(() => [text('Thinking about it'), hang()]);
  const before = bot.rendered.length;
  const { thread } = await bot.mention(question);
  await bot.slack.waitFor(() =>
    bot.slack.callsOf('chat.startStream').find((c) => c.args.thread_ts === thread),
  );
  return { thread, before };
}

/** The Stop button's value on the thread's working line. */
function stopButtonValue(thread: string): string {
  const working = bot.slack
    .botMessages(CHANNEL, thread)
    .find((m) => (m.blocks ?? []).some((b) => b.type === 'actions'));
  const actions = working?.blocks?.find((b) => b.type === 'actions') as
    | { elements: { value: string }[] }
    | undefined;
  return actions?.elements[0]?.value ?? '';
}

describe('Slack: stopping and starting over', () => {
  it('says nothing is running when !cancel finds no answer going', async () => {
    const before = bot.rendered.length;
    const { thread } = await bot.mention('quick one');
    await bot.answers(before + 1);
    const { ts } = await bot.say('!cancel', { thread_ts: thread });
    await bot.handledOf('message', 1, ts);
    expect(shown(thread)).toEqual(['You said: quick one', 'Nothing is running in this thread.']);
  });

  // `!reset` and `!cancel` in a thread are in the adapter contract; this is the mention that says it.
  it('starts the thread’s conversation afresh on a mention saying reset', async () => {
    const before = bot.rendered.length;
    const { thread } = await bot.mention('remember me');
    await bot.answers(before + 1);
    expect(await bot.core.store.threads.get(keyOf(thread))).toBeDefined();

    const mentioned = await bot.mention('reset', { thread_ts: thread });
    await bot.handledOf('app_mention', 1, mentioned.ts);
    expect(await bot.core.store.threads.get(keyOf(thread))).toBeUndefined();
    expect(shown(thread)).toEqual(['You said: remember me', 'Started a new conversation in this thread.']);
  });

  it('stops the answer when someone presses Stop on its working line', async () => {
    const { thread, before } = await longRun('take your time');
    const value = stopButtonValue(thread);
    expect(value).toBe(keyOf(thread));
    const response = await bot.sender.action(stopAction({ value, response_url: bot.slack.responseUrl() }));
    expect(response.status).toBe(200);
    await bot.answers(before + 1);
    expect(shown(thread)).toEqual(['Thinking about it', 'Stopped.']);
  });

  it('tells whoever presses Stop after the end that the answer has ended', async () => {
    const before = bot.rendered.length;
    const { thread } = await bot.mention('done already');
    await bot.answers(before + 1);
    const url = bot.slack.responseUrl();
    await bot.sender.action(stopAction({ value: keyOf(thread), response_url: url }));
    const reply = await bot.slack.waitFor(() => bot.slack.responses.find((r) => url.endsWith(`/${r.id}`)));
    expect(reply.body).toMatchObject({ response_type: 'ephemeral', text: 'That answer has already ended.' });
  });

  it('/cancel in a channel stops the user’s running answer there', async () => {
    const { thread, before } = await longRun('cancel me from the channel');
    const url = bot.slack.responseUrl();
    await bot.sender.command(slashCommand({ command: '/cancel', text: '', response_url: url }));
    await bot.answers(before + 1);
    const reply = await bot.slack.waitFor(() => bot.slack.responses.find((r) => url.endsWith(`/${r.id}`)));
    expect(reply.body.text).toBe('Stopped.');
    expect(shown(thread).at(-1)).toBe('Stopped.');
  });

  it('/reset in a channel starts the user’s latest conversation there afresh', async () => {
    const before = bot.rendered.length;
    const { thread } = await bot.mention('latest');
    await bot.answers(before + 1);
    expect(await bot.core.store.threads.get(keyOf(thread))).toBeDefined();
    const url = bot.slack.responseUrl();
    await bot.sender.command(slashCommand({ command: '/reset', text: '', response_url: url }));
    const reply = await bot.slack.waitFor(() => bot.slack.responses.find((r) => url.endsWith(`/${r.id}`)));
    expect(String(reply.body.text)).toContain('Started over');
    expect(await bot.core.store.threads.get(keyOf(thread))).toBeUndefined();
  });

  it('takes !reset in a DM thread without a mention', async () => {
    const before = bot.rendered.length;
    const { thread, channel } = await bot.dm('hello in private');
    await bot.answers(before + 1);
    const { ts } = await bot.dm('!reset', { thread_ts: thread });
    await bot.handledOf('message', 1, ts);
    expect(shown(thread, channel).at(-1)).toBe('Started a new conversation in this thread.');
  });

  it('shows the user today’s tokens on !usage in a thread, and on a mention saying usage', async () => {
    // Someone who has not used the bot yet today, so the totals are only this test's.
    const user = 'U0USAGE001';
    bot.core.fake.setScript(() => ({
      steps: [text('counted')],
      usage: { inputTokens: 1200, outputTokens: 34 },
    }));
    const before = bot.rendered.length;
    const { thread } = await bot.mention('count my tokens', { user });
    await bot.answers(before + 1);
    // Tokens used elsewhere today count for the user, not for this thread.
    await bot.core.store.usage.record(
      conversationKey('slack', FAKE_TEAM.teamId, CHANNEL, 'elsewhere'),
      user,
      { inputTokens: 1000, outputTokens: 100, reasoningTokens: 60 },
      new Date(),
    );

    const { ts } = await bot.say('!usage', { thread_ts: thread, user });
    await bot.handledOf('message', 1, ts);
    const report = shown(thread).at(-1) ?? '';
    expect(report).toContain('- You: 2,334 tokens: 2,200 input, 134 output (60 reasoning), 2 runs');
    expect(report).toContain(
      '- This conversation: 1,234 tokens: 1,200 input, 34 output (0 reasoning), 1 run',
    );
    expect(report).toContain('- Your daily budget: no limit');
    expect(report).toContain('- Messages per minute: no limit');

    // A mention in the channel starts no conversation: only the user's totals.
    const mentioned = await bot.mention('usage', { user });
    await bot.handledOf('app_mention', 1, mentioned.ts);
    const reply = shown(mentioned.ts).at(-1) ?? '';
    expect(reply).toContain('- You: 2,334 tokens');
    expect(reply).not.toContain('This conversation');
  });
});
