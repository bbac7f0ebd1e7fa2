import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addressOf,
  isUserMessage,
  mentions,
  placeOf,
  plainText,
  type SlackMessageEvent,
  slackKey,
  surfaceOf,
  threadCommand,
  titleFrom,
} from './parse.js';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../../../test/fixtures/slack', `${name}.json`), 'utf8'),
  ) as SlackMessageEvent;

const BOT = { userId: 'U0BOT00001', botId: 'B0BOT00001' };

describe('Slack events as threadloom reads them', () => {
  it('takes people’s messages and file shares, not bots, itself, edits or joins', () => {
    expect(isUserMessage(fixture('app-mention'), BOT)).toBe(true);
    expect(isUserMessage(fixture('message-file-share'), BOT)).toBe(true);
    expect(isUserMessage(fixture('message-bot'), BOT)).toBe(false);
    expect(isUserMessage(fixture('message-changed'), BOT)).toBe(false);
    expect(isUserMessage({ ...fixture('message-channels'), subtype: 'channel_join' }, BOT)).toBe(false);
    expect(isUserMessage({ ...fixture('message-channels'), user: BOT.userId }, BOT)).toBe(false);
  });

  it('answers a root message in its own thread and a reply in its parent’s', () => {
    const root = fixture('app-mention');
    expect(addressOf(root, 'T1')).toEqual({
      team: 'T1',
      channel: 'C0CHAN0001',
      thread: '1760000000.000100',
      user: 'U0USER0001',
      surface: 'channel',
    });
    expect(addressOf({ ...root, ts: '2.0', thread_ts: '1.0' }, 'T1').thread).toBe('1.0');
  });

  it('tells DMs from channels by channel type, or by the D of the id', () => {
    expect(surfaceOf(fixture('message-im'))).toBe('dm');
    expect(surfaceOf(fixture('message-channels'))).toBe('channel');
    expect(surfaceOf({ channel: 'D123' })).toBe('dm');
    expect(surfaceOf({ channel: 'G123' })).toBe('channel');
  });

  it('places a message by team and channel, a thread in its channel, an IM as direct', () => {
    const reply = addressOf({ ...fixture('app-mention'), ts: '2.0', thread_ts: '1.0' }, 'T1');
    expect(placeOf(reply)).toEqual({
      platform: 'slack',
      space: 'T1',
      channel: 'C0CHAN0001',
      isDirect: false,
    });
    expect(placeOf(addressOf(fixture('message-im'), 'T1'))).toMatchObject({ space: 'T1', isDirect: true });
  });

  it('keys a conversation by team, channel and thread ts', () => {
    expect(slackKey('T1', 'C1', '1760000000.000100')).toBe('slack:T1:C1:1760000000.000100');
  });

  it('finds the bot’s mention in either form, and only the bot’s', () => {
    expect(mentions('<@U0BOT00001> hi', BOT.userId)).toBe(true);
    expect(mentions('hi <@U0BOT00001|threadloom>', BOT.userId)).toBe(true);
    expect(mentions('hi <@U0OTHER>', BOT.userId)).toBe(false);
    expect(mentions('hi', undefined)).toBe(false);
  });

  it('reads Slack’s markup as the person wrote it', () => {
    expect(plainText('<@U0BOT00001> what is &lt;b&gt; &amp; <https://x.io|this>?', BOT.userId)).toBe(
      'what is <b> & this (https://x.io)?',
    );
    expect(plainText('ask <@U0ADA|ada> in <#C1|general> <!here> <https://y.io>', BOT.userId)).toBe(
      'ask @ada in #general @here https://y.io',
    );
  });

  it('takes !reset and !cancel, or a mention with just that word, as commands', () => {
    expect(threadCommand('!reset', false)).toBe('reset');
    expect(threadCommand('!Cancel', false)).toBe('cancel');
    expect(threadCommand('reset', true)).toBe('reset');
    expect(threadCommand('reset', false)).toBeUndefined();
    expect(threadCommand('!usage', false)).toBe('usage');
    expect(threadCommand('usage', true)).toBe('usage');
    expect(threadCommand('how do I cancel my plan?', true)).toBeUndefined();
  });

  it('titles an assistant thread from its first question, cut at a word', () => {
    expect(titleFrom('What is\nthe plan?')).toBe('What is the plan?');
    const long = titleFrom('word '.repeat(40));
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long.endsWith('word…')).toBe(true);
    expect(titleFrom('   ')).toBe('New chat');
  });
});
