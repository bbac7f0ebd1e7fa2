import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelMessage,
  eventCallback,
  FAKE_TEAM,
  fixture,
  SlackBot,
  shownText,
  slashCommand,
  userTs,
} from '../fakes/slack/index.js';

const CHANNEL = 'C0CHAN0001';
const DM = 'D0DMCH0001';

let bot: SlackBot;
beforeAll(async () => {
  bot = await SlackBot.start();
  bot.slack.addUser({
    id: 'U0USER0001',
    name: 'ada',
    realName: 'Ada Lovelace',
    displayName: 'Ada',
    image72: 'https://avatars.example/ada_72.png',
  });
});
afterAll(async () => {
  expect(bot.slack.violations).toEqual([]);
  await bot.close();
});

const answerIn = (channel: string, thread: string) =>
  bot.slack
    .botMessages(channel, thread)
    .map(shownText)
    .filter((text) => text.startsWith('You said'));

describe('Slack triggers', () => {
  it('does not answer a thread message without a mention where it was never mentioned', async () => {
    const root = userTs();
    bot.slack.addUserMessage({ channel: CHANNEL, ts: root, user: 'U0USER0002', text: 'team chat' });
    const { ts } = await bot.say('just talking among ourselves', { thread_ts: root });
    const [handled] = await bot.handledOf('message', 1, ts);
    expect(handled?.outcome).toBe('not_addressed');
    expect(bot.submissions.some((s) => s.message.id === ts)).toBe(false);
  });

  it('gives the assistant the thread so far when first mentioned inside an existing thread', async () => {
    const root = userTs();
    bot.slack.addUserMessage({
      channel: CHANNEL,
      ts: root,
      user: 'U0USER0002',
      text: 'Q3 revenue was 42 million',
    });
    bot.slack.addUserMessage({
      channel: CHANNEL,
      ts: userTs(),
      thread_ts: root,
      user: 'U0USER0003',
      text: 'up from 40',
    });
    const before = bot.rendered.length;
    const { ts } = await bot.mention('what was the growth?', { thread_ts: root });
    await bot.answers(before + 1);
    const submitted = bot.submissions.find((s) => s.message.id === ts)?.message.text ?? '';
    expect(submitted).toContain('Q3 revenue was 42 million');
    expect(submitted).toContain('up from 40');
    expect(submitted.endsWith('what was the growth?')).toBe(true);
    expect(bot.slack.callsOf('conversations.replies').at(-1)?.args).toMatchObject({
      channel: CHANNEL,
      ts: root,
    });
  });

  it('answers a DM in the message’s own thread, titles the thread from the first question and shows a status', async () => {
    const before = bot.rendered.length;
    const { thread } = await bot.dm('Summarise our onboarding doc, please');
    await bot.answers(before + 1);
    expect(answerIn(DM, thread)).toEqual(['You said: Summarise our onboarding doc, please']);
    const title = bot.slack.callsOf('assistant.threads.setTitle').filter((c) => c.args.thread_ts === thread);
    expect(title.map((c) => c.args.title)).toEqual(['Summarise our onboarding doc, please']);
    const statuses = bot.slack
      .callsOf('assistant.threads.setStatus')
      .filter((c) => c.args.thread_ts === thread);
    expect(statuses[0]?.args.status).toBe('is thinking…');
    expect(statuses.at(-1)?.args.status).toBe('');

    await bot.dm('and the second part?', { thread_ts: thread });
    await bot.answers(before + 2);
    expect(
      bot.slack.callsOf('assistant.threads.setTitle').filter((c) => c.args.thread_ts === thread),
    ).toHaveLength(1);
  });

  it('offers suggested prompts when the assistant view starts a thread', async () => {
    const event = fixture('assistant-thread-started');
    await bot.deliver(event);
    await bot.handledOf('assistant_thread_started');
    const call = bot.slack.callsOf('assistant.threads.setSuggestedPrompts').at(-1);
    expect(call?.args).toMatchObject({ channel_id: DM, thread_ts: '1760000500.000600' });
    expect(call?.args.prompts).toEqual(
      expect.arrayContaining([expect.objectContaining({ title: 'Plot a function' })]),
    );
  });

  it('offers prompts in the agent view’s messages tab once an hour, and notes context changes quietly', async () => {
    const before = bot.slack.callsOf('assistant.threads.setSuggestedPrompts').length;
    const opened = { ...fixture('app-home-opened'), channel: 'D0AGENT001' };
    await bot.deliver(opened);
    await bot.deliver(opened);
    await bot.deliver({ ...opened, tab: 'home' });
    await bot.deliver(fixture('app-context-changed'));
    await bot.handledOf('app_home_opened', 3);
    await bot.handledOf('app_context_changed');
    const calls = bot.slack.callsOf('assistant.threads.setSuggestedPrompts').slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args.channel_id).toBe('D0AGENT001');
    expect(calls[0]?.args.thread_ts).toBeUndefined();
  });

  it('/ask is acknowledged at once, posts the question as the user and answers in its thread', async () => {
    const before = bot.rendered.length;
    const started = Date.now();
    const response = await bot.sender.command(
      slashCommand({ command: '/ask', text: 'what is 2+2?', response_url: bot.slack.responseUrl() }),
    );
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    await bot.answers(before + 1);
    const question = bot.slack.state.messages.find(
      (m) => m.text === 'what is 2+2?' && m.thread_ts === undefined,
    );
    expect(question).toMatchObject({
      channel: CHANNEL,
      username: 'Ada',
      icon_url: 'https://avatars.example/ada_72.png',
    });
    const thread = question?.ts ?? '';
    expect(answerIn(CHANNEL, thread)).toEqual(['You said: what is 2+2?']);

    await bot.say('and 3+3?', { thread_ts: thread });
    await bot.answers(before + 2);
    expect(answerIn(CHANNEL, thread)).toEqual(['You said: what is 2+2?', 'You said: and 3+3?']);
  });

  it('/ask without a question answers privately with its usage', async () => {
    const responseUrl = bot.slack.responseUrl();
    await bot.sender.command(slashCommand({ command: '/ask', text: '  ', response_url: responseUrl }));
    const id = responseUrl.split('/').at(-1);
    const reply = await bot.slack.waitFor(() => bot.slack.responses.find((r) => r.id === id));
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(reply.body.text)).toContain('/ask');
  });

  it('ignores other bots, edits and joins in a followed thread', async () => {
    const before = bot.rendered.length;
    const { thread } = await bot.mention('start');
    await bot.answers(before + 1);
    const other: Record<string, unknown> = { ...fixture('message-bot'), thread_ts: thread, ts: userTs() };
    const edit: Record<string, unknown> = { ...fixture('message-changed'), ts: userTs() };
    const join: Record<string, unknown> = {
      ...channelMessage({ text: '<@U0USER0009> has joined', thread_ts: thread }),
      subtype: 'channel_join',
    };
    for (const event of [other, edit, join]) await bot.sender.event(eventCallback(event));
    const outcomes = await Promise.all(
      [other, edit, join].map(async (e) => (await bot.handledOf('message', 1, String(e.ts)))[0]?.outcome),
    );
    expect(outcomes).toEqual(['not_a_user_message', 'not_a_user_message', 'not_a_user_message']);
    expect(bot.submissions.filter((s) => s.message.key.endsWith(thread))).toHaveLength(1);
  });

  it('never answers its own messages', async () => {
    const before = bot.rendered.length;
    const { thread } = await bot.mention('one');
    await bot.answers(before + 1);
    const own = channelMessage({ text: 'You said: one', thread_ts: thread, user: FAKE_TEAM.botUserId });
    Object.assign(own, { bot_id: FAKE_TEAM.botId });
    await bot.sender.event(eventCallback(own));
    // Bolt drops the bot's own messages before any listener; a later message shows the queue moved on.
    const { ts } = await bot.say('two', { thread_ts: thread });
    await bot.answers(before + 2);
    expect(bot.submissions.filter((s) => s.message.key.endsWith(thread)).map((s) => s.message.id)).toEqual([
      thread,
      ts,
    ]);
  });
});
