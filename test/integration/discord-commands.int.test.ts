import { MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationKey } from '../../src/core/conversation.js';
import { type ModelScript, text, wait } from '../../src/model-server/index.js';
import { brokenRules, DiscordBot } from '../fakes/discord/bot-harness.js';
import type { FakeInteraction } from '../fakes/discord/index.js';

/** Answers "turn n: question (files: ...)" so tests see the conversation and the attached files. */
const numbered: ModelScript = ({ history, text: said, files }) => {
  const turn = history.filter((h) => h.role === 'user').length + 1;
  const attached = files.length > 0 ? ` (files: ${files.map((f) => f.name).join(', ')})` : '';
  return [text(`turn ${turn}: ${said}${attached}`, { chunkSize: 8 })];
};

/** A slow answer: a first sentence, then the model thinks for a long time. */
const slow: ModelScript = () => [text('Let me think about that.'), wait(20_000), text('Done thinking.')];

let bot: DiscordBot;

beforeAll(async () => {
  bot = await DiscordBot.start();
  bot.openai.setScript(numbered);
});

afterAll(async () => {
  await bot?.close();
});

/** The interaction's original response message, once it exists. */
function original(interaction: FakeInteraction) {
  return bot.fake.waitFor(() =>
    interaction.originalMessageId === undefined ? undefined : bot.fake.message(interaction.originalMessageId),
  );
}

/** Waits for the reply to a command and returns its content once it is no longer "thinking". */
async function replyTo(interaction: FakeInteraction): Promise<string> {
  const message = await original(interaction);
  await bot.fake.waitFor(() => (message.flags & MessageFlags.Loading) === 0 && message.content !== '');
  return message.content;
}

describe('Discord slash commands', () => {
  it('registers /ask, /reset, /cancel and /usage in DISCORD_GUILD_ID at start', () => {
    const commands = bot.fake.commands(bot.fake.directory.guildId);
    expect(commands.map((c) => c.name)).toEqual(['ask', 'reset', 'cancel', 'usage']);
    expect(commands[0]?.options).toEqual([
      expect.objectContaining({ name: 'prompt', type: 3, required: true }),
      expect.objectContaining({ name: 'file', type: 11 }),
    ]);
    expect(bot.fake.commands('global')).toEqual([]);
  });

  it('/ask defers at once, shows the question and answers in a new thread from that reply', async () => {
    const { general, alice } = bot.fake.directory;
    const ask = bot.fake.slashCommand({
      name: 'ask',
      channelId: general,
      userId: alice,
      options: { prompt: 'why is the sky blue?' },
    });
    expect(await replyTo(ask)).toBe('**alice** asked: why is the sky blue?');
    const [callback] = bot.fake.callsTo(
      'POST',
      '/interactions/{interaction_id}/{interaction_token}/callback',
    );
    expect(callback?.json).toEqual({ type: 5, data: { flags: 0 } });
    expect((callback?.at ?? Number.POSITIVE_INFINITY) - ask.createdAt).toBeLessThan(3000);
    const reply = await original(ask);
    const thread = await bot.fake.waitFor(() => bot.fake.world.channels.get(reply.id));
    expect(thread.name).toBe('why is the sky blue?');
    expect(await bot.answer(thread.id, (c) => c.length === 1)).toEqual(['turn 1: why is the sky blue?']);
    // The thread is the bot's: a follow-up needs no mention.
    bot.fake.sendMessage({ channelId: thread.id, authorId: alice, content: 'and at sunset?' });
    expect((await bot.answer(thread.id, (c) => c.length === 2))[1]).toBe('turn 2: and at sunset?');
  });

  it('/ask with a file downloads it from Discord and gives it to the assistant', async () => {
    const { general, bob } = bot.fake.directory;
    const ask = bot.fake.slashCommand({
      name: 'ask',
      channelId: general,
      userId: bob,
      options: { prompt: 'sum the column' },
      file: { filename: 'numbers.csv', bytes: 'n\n1\n2\n3\n', contentType: 'text/csv' },
    });
    expect(await replyTo(ask)).toBe('**bob** asked: sum the column\n📎 numbers.csv');
    const reply = await original(ask);
    const answer = await bot.answer(reply.id, (c) => c.length === 1);
    expect(answer).toEqual(['turn 1: sum the column (files: numbers.csv)']);
    expect(bot.fake.downloads.filter((d) => d.path.endsWith('/numbers.csv'))).toHaveLength(1);
  });

  it('/ask inside a thread answers in that thread and adopts it', async () => {
    const { general, bob } = bot.fake.directory;
    const thread = bot.fake.createThread(general, 'planning', bob);
    const ask = bot.fake.slashCommand({
      name: 'ask',
      channelId: thread.id,
      userId: bob,
      options: { prompt: 'any ideas?' },
    });
    expect(await replyTo(ask)).toBe('**bob** asked: any ideas?');
    expect(await bot.answer(thread.id, (c) => c.length === 2)).toEqual([
      '**bob** asked: any ideas?',
      'turn 1: any ideas?',
    ]);
    bot.fake.sendMessage({ channelId: thread.id, authorId: bob, content: 'more please' });
    expect((await bot.answer(thread.id, (c) => c.length === 3))[2]).toBe('turn 2: more please');
  });

  it('/ask in a DM answers in the DM', async () => {
    const dm = bot.fake.world.dmWith(bot.fake.directory.carol);
    const ask = bot.fake.slashCommand({
      name: 'ask',
      channelId: dm.id,
      userId: bot.fake.directory.carol,
      options: { prompt: 'hi from a DM' },
    });
    expect(await replyTo(ask)).toBe('**carol** asked: hi from a DM');
    const contents = await bot.answer(dm.id, (c) => c.length === 2);
    expect(contents[1]).toBe('turn 1: hi from a DM');
  });

  it('/reset and /cancel in a plain channel say where they work, only to the user', async () => {
    const { general, alice } = bot.fake.directory;
    const reset = bot.fake.slashCommand({ name: 'reset', channelId: general, userId: alice });
    expect(await replyTo(reset)).toMatch(/inside a thread I answer in/);
    expect(bot.fake.interaction(reset.id).ephemeral).toBe(true);
    const cancel = bot.fake.slashCommand({ name: 'cancel', channelId: general, userId: alice });
    expect(await replyTo(cancel)).toBe('Nothing is being answered here.');
  });

  it('⏹️ on the answer stops its run; the bot’s own ⏹️ does not', async () => {
    bot.openai.setScript(slow);
    try {
      const question = bot.mention('another long job');
      const thread = await bot.threadOf(question);
      const first = await bot.fake.waitFor(() => {
        const message = bot.fake.botMessages(thread.id)[0];
        return message?.reactions.get('⏹️')?.has(bot.botId) ? message : undefined;
      });
      // The bot's own ⏹️ came back through the gateway, and the run goes on.
      expect(
        bot.core.orchestrator.isBusy(conversationKey('discord', bot.fake.directory.general, thread.id)),
      ).toBe(true);
      bot.fake.react({ messageId: first.id, userId: bot.fake.directory.bob, emoji: '⏹️' });
      const answer = await bot.answer(thread.id, (c) => c.includes('⏹️ Stopped.'));
      expect(answer).toEqual(['Let me think about that.', '⏹️ Stopped.']);
    } finally {
      bot.openai.setScript(numbered);
    }
  });

  it('/usage shows the user today’s tokens and, in a thread the bot answers, the thread’s, only to them', async () => {
    const { general, guildId } = bot.fake.directory;
    // Someone who has not used the bot yet today, so the totals are only this test's.
    const dave = bot.fake.world.addUser('dave').id;
    bot.fake.world.addMember(guildId, dave, []);
    bot.openai.setScript(() => ({
      steps: [text('counted')],
      usage: { inputTokens: 1200, outputTokens: 34 },
    }));
    try {
      const question = bot.fake.sendMessage({
        channelId: general,
        authorId: dave,
        content: `<@${bot.botId}> count my tokens`,
      });
      const thread = await bot.threadOf(question);
      await bot.answer(thread.id, (c) => c.includes('counted'));
      // `answer` waits for the run to end, so its usage is recorded; tokens dave used elsewhere
      // today count for her, not for this thread.
      await bot.core.store.usage.record(
        conversationKey('discord', general, 'elsewhere'),
        dave,
        { inputTokens: 1000, outputTokens: 100, reasoningTokens: 60 },
        new Date(),
      );
      const usage = bot.fake.slashCommand({ name: 'usage', channelId: thread.id, userId: dave });
      const report = await replyTo(usage);
      expect(bot.fake.interaction(usage.id).ephemeral).toBe(true);
      expect(report).toContain('- You: 2,334 tokens: 2,200 input, 134 output (60 reasoning), 2 runs');
      expect(report).toContain(
        '- This conversation: 1,234 tokens: 1,200 input, 34 output (0 reasoning), 1 run',
      );
      expect(report).toContain('- Your daily budget: no limit');
      expect(report).toContain('- Messages per minute: no limit');

      // In a plain channel there is no conversation to report.
      const inChannel = bot.fake.slashCommand({ name: 'usage', channelId: general, userId: dave });
      const channelReport = await replyTo(inChannel);
      expect(channelReport).toContain('- You: 2,334 tokens');
      expect(channelReport).not.toContain('This conversation');
    } finally {
      bot.openai.setScript(numbered);
    }
  });

  it('kept Discord’s rules in every call and every message', () => {
    expect(brokenRules(bot)).toEqual([]);
  });
});
