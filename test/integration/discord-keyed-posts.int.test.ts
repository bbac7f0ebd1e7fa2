import { REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestPort, keyedNonce } from '../../src/adapters/discord/rest-port.js';
import { FakeDiscord } from '../fakes/discord/index.js';

/**
 * A keyed post through the bot's own port (discord.js REST against the fake): the same key in another
 * process gives the same enforced nonce, so Discord returns the message made before instead of a second
 * one, and the port brings it to the new content.
 */

let discord: FakeDiscord;

beforeAll(async () => {
  discord = await FakeDiscord.start();
});

afterAll(async () => {
  await discord.close();
});

/** A port of its own, as a new process would have: nothing shared but the key. */
const newProcess = () =>
  createRestPort(new REST({ api: discord.apiUrl, retries: 0 }).setToken(discord.token), {
    serverErrorBackoffMs: [],
  });

describe('keyed posts on Discord', () => {
  it('make one nonce per key, within Discord’s 25 characters, the same every time', () => {
    const a = keyedNonce('3f2c0b1e-0000-4000-8000-000000000000:text:msg_abc:0');
    expect(a).toHaveLength(24);
    expect(keyedNonce('3f2c0b1e-0000-4000-8000-000000000000:text:msg_abc:0')).toBe(a);
    expect(keyedNonce('3f2c0b1e-0000-4000-8000-000000000000:text:msg_abc:1')).not.toBe(a);
  });

  it('adopt the message an earlier process posted under the key, brought to the new content', async () => {
    const { general } = discord.directory;
    const before = discord.botMessages(general).length;
    const key = 'turn-1:text:m:0';
    const first = await newProcess().post(general, 'Sentence 1 of', [], undefined, { key });
    const again = await newProcess().post(general, 'Sentence 1 of the answer.', [], undefined, {
      key,
      mayExist: true,
    });
    expect(again).toBe(first);
    expect(
      discord
        .botMessages(general)
        .slice(before)
        .map((m) => m.content),
    ).toEqual(['Sentence 1 of the answer.']);
  });

  it('post twice without a key, and under different keys', async () => {
    const { general } = discord.directory;
    const before = discord.botMessages(general).length;
    const port = newProcess();
    await port.post(general, 'same text');
    await port.post(general, 'same text');
    await port.post(general, 'same text', [], undefined, { key: 'turn-2:text:m:0' });
    await port.post(general, 'same text', [], undefined, { key: 'turn-2:text:m:1' });
    expect(discord.botMessages(general).slice(before)).toHaveLength(4);
  });
});
