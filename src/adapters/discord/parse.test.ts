import { describe, expect, it } from 'vitest';
import type { Allowlist } from '../../config/types.js';
import { decide, discordPlace, type MessageFacts, promptText, threadName } from './parse.js';

const BOT = '100';
const OPEN: Allowlist = { spaces: [], channels: [], roles: [], users: [] };

function facts(overrides: Partial<MessageFacts> = {}): MessageFacts {
  return {
    id: 'm1',
    channelId: 'c1',
    guildId: 'g1',
    isDm: false,
    parentId: undefined,
    authorId: 'u1',
    authorName: 'alice',
    fromBot: false,
    system: false,
    content: `<@${BOT}> hello`,
    mentionsBot: true,
    botRoleId: undefined,
    roleIds: [],
    attachments: [],
    ...overrides,
  };
}

const options = { botId: BOT, allow: OPEN, messageContent: true };

describe('decide', () => {
  it('opens a thread from a mention in a channel, keyed by channel and message', () => {
    expect(decide(facts(), options)).toEqual({ kind: 'open-thread', key: 'discord:c1:m1' });
  });

  it('ignores a channel message without a mention', () => {
    expect(decide(facts({ mentionsBot: false }), options).kind).toBe('ignore');
  });

  it('answers a mention in a thread there and adopts the thread', () => {
    expect(decide(facts({ channelId: 't1', parentId: 'c1' }), options)).toEqual({
      kind: 'thread',
      key: 'discord:c1:t1',
      adopt: true,
    });
  });

  it('answers a thread message without a mention only if owned, and only with the Message Content intent', () => {
    const inThread = facts({ channelId: 't1', parentId: 'c1', mentionsBot: false, content: 'more' });
    expect(decide(inThread, options)).toEqual({ kind: 'thread-if-owned', key: 'discord:c1:t1' });
    expect(decide(inThread, { ...options, messageContent: false }).kind).toBe('ignore');
  });

  it('answers every DM, the DM channel being the conversation', () => {
    const dm = facts({ guildId: undefined, isDm: true, channelId: 'd1', mentionsBot: false });
    expect(decide(dm, options)).toEqual({ kind: 'dm', key: 'discord:d1:d1' });
  });

  it('ignores bots, itself, webhooks and system messages', () => {
    expect(decide(facts({ fromBot: true }), options).kind).toBe('ignore');
    expect(decide(facts({ authorId: BOT }), options).kind).toBe('ignore');
    expect(decide(facts({ system: true }), options).kind).toBe('ignore');
    expect(decide(facts({ isDm: true, guildId: undefined, fromBot: true }), options).kind).toBe('ignore');
  });

  it('ignores what the allowlists leave out', () => {
    const allow = { ...OPEN, channels: ['c2'] };
    expect(decide(facts(), { ...options, allow }).kind).toBe('ignore');
    // A thread under an allowed channel is allowed.
    expect(decide(facts({ channelId: 't1', parentId: 'c2' }), { ...options, allow }).kind).toBe('thread');
  });
});

describe('promptText', () => {
  it('drops the bot’s own mention in either form and keeps other mentions', () => {
    expect(promptText(`<@${BOT}> ask <@200> about <@!${BOT}>it`, BOT)).toBe('ask <@200> about it');
  });

  it('drops a mention of the bot’s own role, and only that role', () => {
    expect(promptText('<@&300> hi <@&301>', BOT, '300')).toBe('hi <@&301>');
  });
});

describe('threadName', () => {
  it('uses the first words on one line', () => {
    expect(threadName('what is\nthe  capital?', 'fallback')).toBe('what is the capital?');
  });

  it('cuts at a word with an ellipsis, within 100 characters', () => {
    const name = threadName('word '.repeat(40), 'fallback');
    expect(Array.from(name).length).toBeLessThanOrEqual(100);
    expect(name).toMatch(/word…$/);
  });

  it('never splits an emoji and falls back when nothing is left', () => {
    expect(Array.from(threadName('😀'.repeat(150), 'x')).length).toBe(100);
    expect(threadName('<@123> <#456>', 'Question from alice')).toBe('Question from alice');
  });
});

describe('where a Discord question was asked', () => {
  it('is the guild and channel, with the parent channel for a thread', () => {
    expect(discordPlace({ guildId: 'g1', channel: 't1', parentChannel: 'c1', isDm: false })).toEqual({
      platform: 'discord',
      space: 'g1',
      channel: 't1',
      parentChannel: 'c1',
      isDirect: false,
    });
    expect(discordPlace({ guildId: 'g1', channel: 'c1', parentChannel: undefined, isDm: false })).toEqual({
      platform: 'discord',
      space: 'g1',
      channel: 'c1',
      isDirect: false,
    });
  });

  it('is direct, without a guild, in a DM', () => {
    expect(discordPlace({ guildId: undefined, channel: 'd1', parentChannel: undefined, isDm: true })).toEqual(
      {
        platform: 'discord',
        channel: 'd1',
        isDirect: true,
      },
    );
  });
});
