import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartFile, codeInterpreter, replyWith, text, wait } from '../../src/model-server/index.js';
import { brokenRules, DiscordBot, TEST_EDIT_INTERVAL_MS } from '../fakes/discord/bot-harness.js';
import type { FakeMessage } from '../fakes/discord/index.js';

/*
 * How answers look on every platform (long ones split, code, charts, files, sources, failures) is in
 * the adapter contract (test/contract/adapter.contract.int.test.ts); here is what only Discord does.
 */

/** Asks in a new thread and returns the thread's id with the bot's final messages. */
async function ask(bot: DiscordBot, question: string): Promise<{ thread: string; messages: FakeMessage[] }> {
  const thread = await bot.threadOf(bot.mention(question));
  await bot.answer(thread.id, (c) => c.length > 0);
  return { thread: thread.id, messages: bot.fake.botMessages(thread.id) };
}

describe('Discord streaming', () => {
  let bot: DiscordBot;

  beforeAll(async () => {
    bot = await DiscordBot.start();
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('streams: the first text posts a message, later text edits it at most once per interval', async () => {
    const answer = 'Streaming answers arrive word by word. '.repeat(8).trim();
    bot.openai.setScript(replyWith(answer, { chunkSize: 3, delayMs: 8 }));
    const { thread, messages } = await ask(bot, 'stream to me');
    expect(messages.map((m) => m.content)).toEqual([answer]);
    const posts = bot.fake.calls.filter(
      (c) => c.method === 'POST' && c.path === `/channels/${thread}/messages`,
    );
    expect(posts).toHaveLength(1);
    const edits = bot.fake
      .callsTo('PATCH', '/channels/{channel_id}/messages/{message_id}')
      .filter((c) => c.path.startsWith(`/channels/${thread}/`));
    expect(edits.length).toBeGreaterThanOrEqual(3);
    // About 100 deltas arrived; edits came at most once per interval (plus the final one, sent at once).
    const span = (edits.at(-1)?.at ?? 0) - (posts[0]?.at ?? 0);
    expect(edits.length).toBeLessThanOrEqual(Math.floor(span / TEST_EDIT_INTERVAL_MS) + 2);
  });

  it('kept Discord’s rules in every call and every message', () => {
    expect(brokenRules(bot)).toEqual([]);
  });
});

describe('Discord rendering with TOOL_DISPLAY=off', () => {
  const script = () => [
    codeInterpreter({ code: 'print(6 * 7)', logs: '42', images: [chartFile()] }),
    text('The answer is 42.'),
  ];

  it('TOOL_DISPLAY=off shows no tool calls, only the answer and the chart', async () => {
    const bot = await DiscordBot.start({ toolDisplay: 'off' });
    try {
      bot.openai.setScript(script);
      const { messages } = await ask(bot, 'compute');
      expect(messages.map((m) => m.content).filter((c) => c !== '')).toEqual(['The answer is 42.']);
      expect(messages.flatMap((m) => m.attachments).map((a) => a.contentType)).toEqual(['image/png']);
    } finally {
      await bot.close();
    }
  });
});

describe('Discord typing and upload limits', () => {
  let bot: DiscordBot;

  beforeAll(async () => {
    bot = await DiscordBot.start({ adapter: { typingRefreshMs: 100, maxUploadBytes: 1000 } });
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('keeps the typing indicator on while the run works, and stops it when the answer is done', async () => {
    bot.openai.setScript(() => [wait(450), text('Finally.')]);
    const { thread } = await ask(bot, 'take your time');
    const typing = () => bot.fake.calls.filter((c) => c.path === `/channels/${thread}/typing`).length;
    const whileWorking = typing();
    expect(whileWorking).toBeGreaterThanOrEqual(3);
    // Another answer elsewhere takes several refresh periods; the finished thread gets no more typing.
    bot.openai.setScript(() => [wait(300), text('Later.')]);
    await ask(bot, 'another question');
    expect(typing()).toBe(whileWorking);
  });

  it('says so in a short note when a file is too big to upload', async () => {
    bot.openai.setScript(() => [
      codeInterpreter({ code: 'plot()', images: [chartFile('big-chart.png')] }),
      text('Done.'),
    ]);
    const { messages } = await ask(bot, 'a big chart');
    expect(messages.flatMap((m) => m.attachments)).toEqual([]);
    expect(messages.map((m) => m.content)).toContainEqual(
      expect.stringMatching(
        /^📎 big-chart\.png is [\d.]+ KB, too big to upload here \(the limit is 1\.0 KB\)\.$/,
      ),
    );
  });
});
