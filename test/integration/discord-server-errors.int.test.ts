import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyWith } from '../../src/model-server/index.js';
import { brokenRules, DiscordBot } from '../fakes/discord/bot-harness.js';

const POST = '/channels/{channel_id}/messages';
const EDIT = '/channels/{channel_id}/messages/{message_id}';
const ANSWER = `An answer long enough to stream for a while: ${'one more clause, '.repeat(30)}and done.`;

let bot: DiscordBot;

beforeAll(async () => {
  bot = await DiscordBot.start();
});

afterAll(async () => {
  await bot?.close();
});

/** The calls to a route in one channel or thread, with how each was answered. */
const statuses = (method: string, route: string, channelId: string) =>
  bot.fake
    .callsTo(method, route)
    .filter((c) => c.path.startsWith(`/channels/${channelId}/`))
    .map((c) => c.status);

describe('Discord answering 5xx (discord.js retries them)', () => {
  it('retries posting the answer through a 502 and a 503, and posts it once', async () => {
    bot.openai.setScript(replyWith('Posted despite the outage.'));
    bot.fake.failNext({ method: 'POST', route: POST, status: 502 });
    bot.fake.failNext({ method: 'POST', route: POST, status: 503 });
    const thread = await bot.threadOf(bot.mention('post through errors'));
    expect(await bot.answer(thread.id, (c) => c.length > 0)).toEqual(['Posted despite the outage.']);
    expect(statuses('POST', POST, thread.id)).toEqual([502, 503, 200]);
    expect(bot.fake.pendingFaults).toBe(0);
  });

  it('waits out an outage longer than discord.js’s immediate retries, with backoff, and posts once', async () => {
    bot.openai.setScript(replyWith('After the outage.'));
    // discord.js tries 4 times at once; then the adapter waits a second and tries again.
    bot.fake.failNext({ method: 'POST', route: POST, status: 503, count: 5 });
    const thread = await bot.threadOf(bot.mention('post through an outage'));
    expect(await bot.answer(thread.id, (c) => c.length > 0)).toEqual(['After the outage.']);
    const posts = bot.fake.callsTo('POST', POST).filter((c) => c.path.startsWith(`/channels/${thread.id}/`));
    expect(posts.map((c) => c.status)).toEqual([503, 503, 503, 503, 503, 200]);
    expect((posts[4]?.at ?? 0) - (posts[3]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(bot.fake.botMessages(thread.id)).toHaveLength(1);
  });

  it('posts the answer once when Discord made the message but answered 500', async () => {
    bot.openai.setScript(replyWith('Only once, please.'));
    // The message is made, then the answer is lost: the retry must not make a second one.
    bot.fake.failNext({ method: 'POST', route: POST, status: 500, afterHandling: true });
    const thread = await bot.threadOf(bot.mention('made but lost'));
    expect(await bot.answer(thread.id, (c) => c.length > 0)).toEqual(['Only once, please.']);
    expect(statuses('POST', POST, thread.id)).toEqual([500, 200]);
    expect(bot.fake.botMessages(thread.id)).toHaveLength(1);
  });

  it('retries an edit of a streaming answer through 5xx; the final message holds the whole answer', async () => {
    bot.openai.setScript(replyWith(ANSWER, { chunkSize: 6, delayMs: 8 }));
    const thread = await bot.threadOf(bot.mention('stream through errors'));
    await bot.fake.waitFor(() => bot.fake.botMessages(thread.id)[0]);
    bot.fake.failNext({ method: 'PATCH', route: EDIT, status: 503 });
    bot.fake.failNext({ method: 'PATCH', route: EDIT, status: 500, afterHandling: true });
    expect(await bot.answer(thread.id, (c) => c.includes(ANSWER))).toEqual([ANSWER]);
    const edits = statuses('PATCH', EDIT, thread.id);
    expect(edits.slice(0, 3)).toEqual([503, 500, 200]);
    expect(bot.fake.pendingFaults).toBe(0);
  });

  it('kept Discord’s rules in every call and every message', () => {
    expect(brokenRules(bot)).toEqual([]);
  });
});
