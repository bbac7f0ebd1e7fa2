import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { text } from '../../src/model-server/index.js';
import { brokenRules, DiscordBot } from '../fakes/discord/bot-harness.js';
import type { RecordedCall } from '../fakes/discord/index.js';

const answerText = (n: number) =>
  `Answer ${n}: ${'streamed in small pieces, edited as it grows. '.repeat(10).trim()}`;

/** Each run answers with the next numbered text, streamed in small pieces. */
function numberedStreams(options: { chunkSize: number; delayMs: number }) {
  let n = 0;
  return () => [text(answerText(++n), options)];
}

/** Calls that count against Discord's global limit (interaction endpoints do not). */
const globalCalls = (calls: readonly RecordedCall[]) =>
  calls.filter((c) => !c.route.startsWith('/interactions/') && !c.route.startsWith('/webhooks/'));

/** The most calls that arrived within any one second. */
function busiestSecond(calls: readonly RecordedCall[]): number {
  let most = 0;
  for (const [i, call] of calls.entries()) {
    const within = calls.slice(i).filter((c) => c.at < call.at + 1000).length;
    most = Math.max(most, within);
  }
  return most;
}

/** The bot's final messages in these threads, sorted (runs may start in any order). */
function answers(bot: DiscordBot, threads: readonly string[]): string[] {
  return threads.flatMap((id) => bot.fake.botMessages(id).map((m) => m.content)).sort();
}

describe('Discord pacing', () => {
  let bot: DiscordBot;

  beforeAll(async () => {
    bot = await DiscordBot.start();
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('rides out a 429: every call waits out retry_after, and both answers arrive whole', async () => {
    bot.openai.setScript(numberedStreams({ chunkSize: 4, delayMs: 8 }));
    const first = await bot.threadOf(bot.mention('first'));
    const second = await bot.threadOf(bot.mention('second'));
    await bot.fake.waitFor(() => bot.fake.botMessages(first.id)[0]);
    bot.fake.rateLimitNext({
      method: 'PATCH',
      path: new RegExp(`^/channels/${first.id}/messages/`),
      retryAfterMs: 300,
    });
    await bot.fake.waitFor(() => bot.fake.rateLimited === 1, { what: 'the 429' });
    await bot.idle();
    expect(answers(bot, [first.id, second.id])).toEqual([answerText(1), answerText(2)]);

    const limited = bot.fake.calls.find((c) => c.status === 429);
    if (!limited) throw new Error('no 429 recorded');
    // Retry-After said 1 s (Discord rounds up): nothing reached Discord meanwhile, from either thread
    // (the margin is for a call that was already on its way).
    const during = bot.fake.calls.filter((c) => c.at > limited.at + 200 && c.at < limited.at + 900);
    expect(during.map((c) => `${c.method} ${c.path}`)).toEqual([]);
    expect(bot.fake.rateLimited).toBe(1);
  });

  it('keeps many answers streaming at once inside the global limit, stretching their edits', async () => {
    bot.fake.recorder.clear();
    const limitedBefore = bot.fake.rateLimited;
    bot.openai.setScript(numberedStreams({ chunkSize: 3, delayMs: 5 }));
    const mentions = Array.from({ length: 8 }, (_, i) => bot.mention(`question ${i}`));
    const threads = await Promise.all(mentions.map((m) => bot.threadOf(m)));
    await bot.fake.waitFor(() => threads.every((t) => bot.fake.botMessages(t.id).length > 0));
    await bot.idle();
    expect(
      answers(
        bot,
        threads.map((t) => t.id),
      ),
    ).toHaveLength(8);
    for (const content of answers(
      bot,
      threads.map((t) => t.id),
    ))
      expect(content).toMatch(/^Answer \d+: streamed/);
    expect(bot.fake.rateLimited - limitedBefore).toBe(0);
    expect(busiestSecond(globalCalls(bot.fake.calls))).toBeLessThanOrEqual(50);
  });

  it('kept Discord’s rules in every call and every message', () => {
    expect(brokenRules(bot)).toEqual([]);
  });
});

describe('Discord pacing with per-channel limits', () => {
  let bot: DiscordBot;

  beforeAll(async () => {
    // Discord's observed 5 edits per 5 s per channel, scaled down: 3 calls per route and channel per 500 ms.
    bot = await DiscordBot.start({ fake: { bucket: { limit: 3, windowMs: 500 } } });
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('obeys the X-RateLimit headers: discord.js waits for the bucket, no 429, the answer whole', async () => {
    bot.openai.setScript(numberedStreams({ chunkSize: 4, delayMs: 5 }));
    const thread = await bot.threadOf(bot.mention('stream into a strict channel'));
    await bot.fake.waitFor(() => bot.fake.botMessages(thread.id).length > 0);
    await bot.idle();
    expect(bot.fake.botMessages(thread.id).map((m) => m.content)).toEqual([answerText(1)]);
    expect(bot.fake.rateLimited).toBe(0);
    const edits = bot.fake.calls.filter(
      (c) => c.method === 'PATCH' && c.path.startsWith(`/channels/${thread.id}/`),
    );
    expect(edits.length).toBeGreaterThan(1);
  });

  it('kept Discord’s rules in every call and every message', () => {
    expect(brokenRules(bot)).toEqual([]);
  });
});
