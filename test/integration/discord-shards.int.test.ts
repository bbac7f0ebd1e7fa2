import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelScript, text } from '../../src/model-server/index.js';
import { brokenRules, DiscordBot } from '../fakes/discord/bot-harness.js';
import { type GatewaySession, shardOf } from '../fakes/discord/gateway.js';

/** The model repeats what it was asked, so each answer shows which question it answers. */
const echo: ModelScript = ({ text: said }) => [text(`re: ${said}`)];

/** The gateway session identified as this shard of two. */
function sessionOf(bot: DiscordBot, shard: number): GatewaySession | undefined {
  return bot.fake.gateway.sessions.find((s) => s.shard[0] === shard && s.shard[1] === 2);
}

/** Did this session get an event about this message (its MESSAGE_CREATE)? */
function delivered(session: GatewaySession | undefined, messageId: string): boolean {
  return (session?.events ?? []).some(
    (e) => e.t === 'MESSAGE_CREATE' && (e.d as { id?: string }).id === messageId,
  );
}

describe('Discord shards split across processes (DISCORD_SHARD_IDS, DISCORD_SHARD_COUNT)', () => {
  let bot: DiscordBot;
  let onShard0: { guildId: string; general: string };
  let onShard1: { guildId: string; general: string };

  beforeAll(async () => {
    // This "process" runs shard 1 of 2 only.
    bot = await DiscordBot.start({ discord: { shards: { ids: [1], count: 2 } } });
    bot.openai.setScript(echo);
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('identifies as shard [1, 2] and is given only the guilds of shard 1', () => {
    expect(bot.fake.gatewayStats.identifiedShards).toEqual([[1, 2]]);
    const session = sessionOf(bot, 1);
    const ready = session?.events.find((e) => e.t === 'READY')?.d as {
      shard: number[];
      guilds: { id: string }[];
    };
    expect(ready.shard).toEqual([1, 2]);
    const seedGuild = bot.fake.directory.guildId;
    expect(ready.guilds.map((g) => g.id)).toEqual(shardOf(seedGuild, 2) === 1 ? [seedGuild] : []);
  });

  it('answers in a guild on its shard and never hears of a guild on the other', async () => {
    onShard1 = bot.fake.addGuild({ name: 'on shard 1', shard: [1, 2] });
    onShard0 = bot.fake.addGuild({ name: 'on shard 0', shard: [0, 2] });
    const { alice } = bot.fake.directory;

    const elsewhere = bot.fake.sendMessage({
      channelId: onShard0.general,
      authorId: alice,
      content: 'anyone on shard 0?',
      mention: true,
    });
    const here = bot.mention('hello shard 1', { channelId: onShard1.general });
    const thread = await bot.threadOf(here);
    expect(await bot.answer(thread.id, (c) => c.length === 1)).toEqual(['re: hello shard 1']);

    // Discord sends a guild's events to shard (guild_id >> 22) % 2 only: nobody runs shard 0 yet.
    expect(delivered(sessionOf(bot, 1), here.id)).toBe(true);
    expect(bot.fake.gateway.sessions.some((s) => delivered(s, elsewhere.id))).toBe(false);
    expect(bot.fake.threads(onShard0.general)).toEqual([]);
  });

  it('a second process running shard 0 answers there and in DMs; every message is answered once', async () => {
    await bot.startAnotherAdapter({ shards: { ids: [0], count: 2 } });
    expect(bot.fake.gatewayStats.identifiedShards).toEqual([
      [1, 2],
      [0, 2],
    ]);
    const { carol } = bot.fake.directory;

    const there = bot.mention('hello shard 0', { channelId: onShard0.general, authorId: carol });
    const thread = await bot.threadOf(there);
    expect(await bot.answer(thread.id, (c) => c.length === 1)).toEqual(['re: hello shard 0']);
    expect(delivered(sessionOf(bot, 0), there.id)).toBe(true);
    expect(delivered(sessionOf(bot, 1), there.id)).toBe(false);

    // DMs belong to no guild: Discord sends them to shard 0 only.
    const dm = bot.fake.sendDm(carol, 'a private question');
    expect(await bot.answer(dm.channelId, (c) => c.length === 1)).toEqual(['re: a private question']);
    expect(delivered(sessionOf(bot, 0), dm.id)).toBe(true);
    expect(delivered(sessionOf(bot, 1), dm.id)).toBe(false);

    // A later message in the shard-1 guild still goes to shard 1 alone, and is answered once.
    const again = bot.mention('still shard 1', { channelId: onShard1.general });
    const second = await bot.threadOf(again);
    expect(await bot.answer(second.id, (c) => c.length === 1)).toEqual(['re: still shard 1']);
    expect(delivered(sessionOf(bot, 1), again.id)).toBe(true);
    expect(delivered(sessionOf(bot, 0), again.id)).toBe(false);
    expect(bot.fake.threads(onShard1.general)).toHaveLength(2);
    expect(bot.fake.threads(onShard0.general)).toHaveLength(1);
  });

  it('kept Discord’s rules in every call and every message', () => {
    expect(brokenRules(bot)).toEqual([]);
  });
});
