import { GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelScript, text, wait } from '../../src/model-server/index.js';
import { brokenRules, DiscordBot } from '../fakes/discord/bot-harness.js';

/** The model answers "<turn n> <what it was asked>", so a test sees what reached it and in which turn. */
const numbered: ModelScript = ({ history, text: said }) => [
  text(`turn ${history.filter((h) => h.role === 'user').length + 1}: ${said}`, { chunkSize: 6 }),
];

const threadRoute = '/channels/{channel_id}/messages/{message_id}/threads';

describe('Discord conversations', () => {
  let bot: DiscordBot;

  beforeAll(async () => {
    bot = await DiscordBot.start();
    bot.openai.setScript(numbered);
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('opens one thread from a mention, named from its first words, and answers there', async () => {
    const question = bot.mention('what is the capital of France?');
    const thread = await bot.threadOf(question);
    const answer = await bot.answer(thread.id, (c) => c.length > 0 && c.at(-1)?.includes('France') === true);
    expect(answer).toEqual(['turn 1: what is the capital of France?']);
    expect(thread.name).toBe('what is the capital of France?');
    expect(thread.id).toBe(question.id);
    expect(bot.fake.callsTo('POST', threadRoute)).toHaveLength(1);
    // While it worked: typing in the thread, and ⏹️ on the answer, taken off at the end.
    expect(
      bot.fake.callsTo('POST', '/channels/{channel_id}/typing').some((c) => c.path.includes(thread.id)),
    ).toBe(true);
    // The ⏹️ comes off through the paced queue, which may go out just after the run is over.
    const reactions = () =>
      bot.fake.calls.filter((c) => c.route.includes('/reactions/')).map((c) => c.method);
    await bot.fake.waitFor(() => reactions().length >= 2, { timeoutMs: 3000, what: 'the ⏹️ taken off' });
    expect(reactions()).toEqual(['PUT', 'DELETE']);
    expect(bot.fake.botMessages(thread.id)[0]?.reactions.get('⏹️')?.size ?? 0).toBe(0);
  });

  it('takes a mention of its own role as a mention', async () => {
    const { general, bob, botRole } = bot.fake.directory;
    const question = bot.fake.sendMessage({
      channelId: general,
      authorId: bob,
      content: `<@&${botRole}> role call`,
    });
    const thread = await bot.threadOf(question);
    expect(await bot.answer(thread.id, (c) => c.length === 1)).toEqual(['turn 1: role call']);
  });

  it('answers a bare mention with a hint, and opens no thread', async () => {
    const bare = bot.fake.sendMessage({
      channelId: bot.fake.directory.random,
      authorId: bot.fake.directory.alice,
      content: '',
      mention: true,
    });
    const [hint] = await bot.answer(bot.fake.directory.random, (c) => c.length === 1);
    expect(hint).toBe('Ask me something after the mention, and I will answer in a thread.');
    expect(bare.threadId).toBeUndefined();
  });

  it('answers a mention in a thread it does not own, and from then on follows that thread', async () => {
    const { general, bob, carol } = bot.fake.directory;
    const thread = bot.fake.createThread(general, 'ideas', bob);
    bot.fake.sendMessage({ channelId: thread.id, authorId: bob, content: 'talking among ourselves' });
    bot.fake.sendMessage({
      channelId: thread.id,
      authorId: bob,
      content: 'what do you think?',
      mention: true,
    });
    const first = await bot.answer(thread.id, (c) => c.length === 1);
    expect(first).toEqual(['turn 1: what do you think?']);
    bot.fake.sendMessage({ channelId: thread.id, authorId: carol, content: 'and now?' });
    const second = await bot.answer(thread.id, (c) => c.length === 2);
    expect(second[1]).toBe('turn 2: and now?');
    expect(bot.fake.threads(general).filter((t) => t.id === thread.id)).toHaveLength(1);
  });

  it('answers every direct message, the DM channel being one conversation', async () => {
    const { carol } = bot.fake.directory;
    const first = bot.fake.sendDm(carol, 'hello there');
    const answer = await bot.answer(first.channelId, (c) => c.length === 1);
    expect(answer).toEqual(['turn 1: hello there']);
    bot.fake.sendDm(carol, 'still me');
    const both = await bot.answer(first.channelId, (c) => c.length === 2);
    expect(both[1]).toBe('turn 2: still me');
  });

  it('never answers bots, itself included, nor system messages', async () => {
    const { general, otherBot, alice } = bot.fake.directory;
    const runsBefore = bot.openai.runs().length;
    const fromBot = bot.fake.sendMessage({
      channelId: general,
      authorId: otherBot,
      content: 'hi bot',
      mention: true,
    });
    const system = bot.fake.sendMessage({
      channelId: general,
      authorId: alice,
      content: 'joined',
      mention: true,
      type: 7,
    });
    const sentinel = bot.mention('a human question');
    await bot.answer((await bot.threadOf(sentinel)).id, (c) => c.length === 1);
    expect(fromBot.threadId).toBeUndefined();
    expect(system.threadId).toBeUndefined();
    // One run for the human; the bot's own messages (which the gateway shows it) started none.
    expect(bot.openai.runs().length - runsBefore).toBe(1);
  });

  it('answers a message sent while the connection was down, once it resumes', async () => {
    bot.fake.dropGateway();
    const question = bot.mention('sent while the bot was away');
    const thread = await bot.threadOf(question);
    expect(await bot.answer(thread.id, (c) => c.length === 1)).toEqual([
      'turn 1: sent while the bot was away',
    ]);
  });

  it('kept Discord’s rules in every call and every message', () => {
    expect(brokenRules(bot)).toEqual([]);
  });
});

describe('Discord shut-down', () => {
  it('stops taking messages, and leaves an answer being written for the next start to finish', async () => {
    const bot = await DiscordBot.start();
    try {
      bot.openai.setScript(() => [text('Thinking…'), wait(20_000)]);
      const thread = await bot.threadOf(bot.mention('a long one'));
      await bot.fake.waitFor(() => bot.fake.botMessages(thread.id)[0]);
      await bot.adapter.stop();
      const ignored = bot.mention('too late');
      await bot.core.orchestrator.stop();
      // No "Stopped.": the run goes on at the service and its record stays, for the next start.
      expect(bot.fake.botMessages(thread.id).map((m) => m.content)).toEqual(['Thinking…']);
      expect(ignored.threadId).toBeUndefined();
      const record = [...(await bot.core.store.runs.list())].find((r) => r.replyTo.channel === thread.id);
      expect(Object.values(record?.posted ?? {})).toEqual([[bot.fake.botMessages(thread.id)[0]?.id]]);
    } finally {
      await bot.close();
    }
  });
});

describe('Discord start-up', () => {
  it('refuses to start, saying what to do, when Message Content is asked for but not enabled', async () => {
    await expect(
      DiscordBot.start({ discord: { messageContent: true }, fake: { grantedIntents: 0 } }),
    ).rejects.toThrow(/Message Content intent.*Developer Portal.*DISCORD_MESSAGE_CONTENT/);
  });

  it('refuses to start, naming DISCORD_TOKEN, when Discord does not know the token', async () => {
    await expect(DiscordBot.start({ discord: { token: 'not-the-token' } })).rejects.toThrow(/DISCORD_TOKEN/);
  });
});

describe('Discord conversations without the Message Content intent', () => {
  let bot: DiscordBot;

  beforeAll(async () => {
    bot = await DiscordBot.start({ discord: { messageContent: false }, fake: { grantedIntents: 0 } });
    bot.openai.setScript(numbered);
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('does not ask for the privileged intent', () => {
    expect((bot.fake.session?.intents ?? 0) & GatewayIntentBits.MessageContent).toBe(0);
  });

  it('still answers mentions and DMs, but not follow-ups without a mention', async () => {
    const question = bot.mention('a question by mention');
    const thread = await bot.threadOf(question);
    await bot.answer(thread.id, (c) => c.length === 1);
    const runsBefore = bot.openai.runs().length;
    bot.fake.sendMessage({ channelId: thread.id, authorId: bot.fake.directory.alice, content: 'unheard' });
    bot.fake.sendMessage({
      channelId: thread.id,
      authorId: bot.fake.directory.alice,
      content: 'heard',
      mention: true,
    });
    const answer = await bot.answer(thread.id, (c) => c.length === 2);
    expect(answer[1]).toBe('turn 2: heard');
    const dm = bot.fake.sendDm(bot.fake.directory.bob, 'a private question');
    expect(await bot.answer(dm.channelId, (c) => c.length === 1)).toEqual(['turn 1: a private question']);
    expect(bot.openai.runs().length - runsBefore).toBe(2);
  });
});
