import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationKey } from '../../src/core/conversation.js';
import { type ModelScript, text, wait } from '../../src/model-server/index.js';
import { brokenRules, DiscordBot } from '../fakes/discord/bot-harness.js';

const echo: ModelScript = ({ text: said }) =>
  said.includes('slow') ? [text('Working on it.'), wait(20_000)] : [text(`answered: ${said}`)];

/**
 * DISCORD_ALLOWED_GUILDS = the test guild, DISCORD_ALLOWED_CHANNELS = #general,
 * DISCORD_ALLOWED_ROLES = staff (bob), DISCORD_ALLOWED_USERS = carol. Alice has only the member role.
 */
let bot: DiscordBot;

beforeAll(async () => {
  bot = await DiscordBot.start({
    discord: ({ guildId, general, staffRole, carol }) => ({
      allow: { spaces: [guildId], channels: [general], roles: [staffRole], users: [carol] },
    }),
  });
  bot.openai.setScript(echo);
});

afterAll(async () => {
  await bot?.close();
});

describe('Discord allowlists', () => {
  it('answers a listed role and a listed user in a listed channel, and no one else', async () => {
    const { general, random, alice, bob, carol } = bot.fake.directory;
    const fromAlice = bot.mention('from alice', { authorId: alice });
    const inRandom = bot.mention('from bob in random', { authorId: bob, channelId: random });
    const dmFromAlice = bot.fake.sendDm(alice, 'a DM from alice');
    const fromBob = bot.mention('from bob', { authorId: bob });
    const fromCarol = bot.mention('from carol', { authorId: carol, channelId: general });
    const dmFromCarol = bot.fake.sendDm(carol, 'a DM from carol');

    expect(await bot.answer((await bot.threadOf(fromBob)).id, (c) => c.length === 1)).toEqual([
      'answered: from bob',
    ]);
    expect(await bot.answer((await bot.threadOf(fromCarol)).id, (c) => c.length === 1)).toEqual([
      'answered: from carol',
    ]);
    expect(await bot.answer(dmFromCarol.channelId, (c) => c.length === 1)).toEqual([
      'answered: a DM from carol',
    ]);
    expect(fromAlice.threadId).toBeUndefined();
    expect(inRandom.threadId).toBeUndefined();
    expect(bot.fake.botMessages(dmFromAlice.channelId)).toEqual([]);
  });

  it('does not answer an unlisted user in a thread it owns', async () => {
    const { alice, bob } = bot.fake.directory;
    const thread = await bot.threadOf(bot.mention('open a thread', { authorId: bob }));
    await bot.answer(thread.id, (c) => c.length === 1);
    bot.fake.sendMessage({ channelId: thread.id, authorId: alice, content: 'may I join?' });
    bot.fake.sendMessage({ channelId: thread.id, authorId: bob, content: 'bob again' });
    const contents = await bot.answer(thread.id, (c) => c.length === 2);
    expect(contents).toEqual(['answered: open a thread', 'answered: bob again']);
  });

  it('refuses /ask outside the allowlists, telling only that user', async () => {
    const ask = bot.fake.slashCommand({
      name: 'ask',
      channelId: bot.fake.directory.general,
      userId: bot.fake.directory.alice,
      options: { prompt: 'let me in' },
    });
    const reply = await bot.fake.waitFor(() =>
      ask.originalMessageId === undefined ? undefined : bot.fake.message(ask.originalMessageId),
    );
    expect(reply.content).toBe('You cannot use this bot here.');
    expect(bot.fake.interaction(ask.id).ephemeral).toBe(true);
  });

  it('ignores ⏹️ from someone outside the allowlists', async () => {
    const { general, alice, bob } = bot.fake.directory;
    const thread = await bot.threadOf(bot.mention('a slow one', { authorId: bob }));
    const first = await bot.fake.waitFor(() => bot.fake.botMessages(thread.id)[0]);
    bot.fake.react({ messageId: first.id, userId: alice, emoji: '⏹️' });
    // A question answered after the reaction: by then the reaction has been handled.
    const meanwhile = await bot.threadOf(bot.mention('meanwhile', { authorId: bob }));
    await bot.fake.waitFor(() =>
      bot.fake.botMessages(meanwhile.id).some((m) => m.content === 'answered: meanwhile'),
    );
    const key = conversationKey('discord', general, thread.id);
    expect(bot.core.orchestrator.isBusy(key)).toBe(true);
    bot.fake.react({ messageId: first.id, userId: bob, emoji: '⏹️' });
    expect(await bot.answer(thread.id, (c) => c.includes('⏹️ Stopped.'))).toEqual([
      'Working on it.',
      '⏹️ Stopped.',
    ]);
  });

  it('kept Discord’s rules in every call and every message', () => {
    expect(brokenRules(bot)).toEqual([]);
  });
});
