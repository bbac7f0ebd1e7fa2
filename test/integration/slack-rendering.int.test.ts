import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { byRound, echoScript, functionCall, replyWith, text } from '../../src/model-server/index.js';
import { isFenceBalanced } from '../../src/render/split.js';
import { type FakeMessage, SLACK_LIMITS, SlackBot, shownText } from '../fakes/slack/index.js';

const CHANNEL = 'C0CHAN0001';

/** Paragraphs of ordinary prose, `count` of them, each about 900 characters. */
function prose(count: number): string {
  const sentence =
    'The quick brown fox jumps over the lazy dog while the committee reviews the quarterly numbers. ';
  return Array.from({ length: count }, (_, i) => `Paragraph ${i + 1}. ${sentence.repeat(9).trim()}`).join(
    '\n\n',
  );
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The answer's messages in the thread: not the working line, notices or files. */
function answerMessages(bot: SlackBot, thread: string): FakeMessage[] {
  return bot.slack
    .botMessages(CHANNEL, thread)
    .filter(
      (m) =>
        m.files === undefined && !(m.blocks ?? []).some((b) => b.type === 'context' || b.type === 'actions'),
    );
}

function expectWithinLimits(messages: FakeMessage[]): void {
  for (const message of messages) {
    expect(shownText(message).length).toBeLessThanOrEqual(SLACK_LIMITS.markdown);
    expect((message.text ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.updateText);
    expect(isFenceBalanced(shownText(message))).toBe(true);
  }
}

describe('Slack rendering with native streaming', () => {
  let bot: SlackBot;
  beforeAll(async () => {
    bot = await SlackBot.start();
  });
  afterEach(() => {
    bot.core.fake.setScript(echoScript);
    bot.slack.clearFaults();
  });
  afterAll(async () => {
    expect(bot.slack.violations).toEqual([]);
    await bot.close();
  });

  it('continues in a new message when Slack closes the stream under it', async () => {
    const answer = prose(2);
    bot.core.fake.setScript(replyWith(answer, { chunkSize: 40, delayMs: 15 }));
    const before = bot.rendered.length;
    const { thread } = await bot.mention('tell me a story');
    const started = await bot.slack.waitFor(() =>
      bot.slack.callsOf('chat.startStream').find((c) => c.args.thread_ts === thread && c.result.ok),
    );
    bot.slack.expireStream(CHANNEL, String((started.result as { ts?: string }).ts));
    await bot.answers(before + 1);
    const refused = bot.slack.callsOf('chat.appendStream').filter((c) => !c.result.ok);
    expect(refused.map((c) => (c.result as { error: string }).error)).toContain(
      'message_not_in_streaming_state',
    );
    const messages = answerMessages(bot, thread);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(messages.map(shownText).join('')).toBe(answer);
  });

  it('waits out a 429 with Retry-After and still delivers the answer', async () => {
    bot.slack.rateLimit('chat.startStream', 1);
    const before = bot.rendered.length;
    const { thread } = await bot.mention('rate me');
    await bot.answers(before + 1);
    const calls = bot.slack.callsOf('chat.startStream').filter((c) => c.args.thread_ts === thread);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(answerMessages(bot, thread).map(shownText)).toEqual(['You said: rate me']);
  });

  it('shows a function call and keeps the working line’s status current while it runs', async () => {
    bot.core.fake.setScript(
      byRound([functionCall('current_time', { timezone: 'Asia/Tokyo' })], [text('It is evening in Tokyo.')]),
    );
    const before = bot.rendered.length;
    const { thread } = await bot.mention('what time is it in Tokyo?');
    await bot.answers(before + 1);
    const working = bot.slack.state.messages.find((m) => m.thread_ts === thread && m.deleted);
    expect(working?.history).toEqual(['Working on it…', 'Calling current_time…']);
    const shown = bot.slack.botMessages(CHANNEL, thread).map(shownText);
    expect(shown[0]).toMatch(/^🔧 `current_time` → .*Asia\/Tokyo/);
    expect(shown.at(-1)).toBe('It is evening in Tokyo.');
  });
});

describe('Slack rendering when native streaming is refused', () => {
  let bot: SlackBot;
  beforeAll(async () => {
    bot = await SlackBot.start({ updateIntervalMs: 100 });
    bot.slack.fail('chat.startStream', { error: 'missing_scope', times: Number.POSITIVE_INFINITY });
  });
  afterAll(async () => {
    expect(bot.slack.violations).toEqual([]);
    await bot.close();
  });

  it('falls back to chat.postMessage and chat.update, and stops asking for streams', async () => {
    bot.core.fake.setScript(replyWith(prose(2), { chunkSize: 100, delayMs: 20 }));
    const before = bot.rendered.length;
    const first = await bot.mention('first');
    await bot.answers(before + 1);
    const second = await bot.mention('second');
    await bot.answers(before + 2);
    expect(bot.slack.callsOf('chat.startStream')).toHaveLength(1);
    for (const { thread } of [first, second]) {
      const messages = answerMessages(bot, thread);
      expect(messages.map(shownText)).toEqual([prose(2)]);
      expect((messages[0]?.history.length ?? 0) > 1).toBe(true);
    }
  });

  it('updates a streaming message at most once per SLACK_UPDATE_INTERVAL_MS', async () => {
    bot.core.fake.setScript(replyWith(prose(1), { chunkSize: 30, delayMs: 10 }));
    const before = bot.rendered.length;
    const { thread } = await bot.mention('pace yourself');
    await bot.answers(before + 1);
    const ts = answerMessages(bot, thread)[0]?.ts;
    const updates = bot.slack.calls.filter((c) => c.method === 'chat.update' && c.args.ts === ts);
    expect(updates.length).toBeGreaterThan(1);
    // Unpaced, updates would follow the 10 ms deltas; paced, they are 100 ms apart (less HTTP jitter).
    // The last one is the final text, which never waits.
    const times = updates.map((c) => c.at);
    for (let i = 1; i < times.length - 1; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(50);
    }
  });

  it('delivers a long answer whole, no chat.update over Slack’s limits', async () => {
    const answer = prose(30);
    bot.core.fake.setScript(replyWith(answer, { chunkSize: 4000 }));
    const before = bot.rendered.length;
    const { thread } = await bot.mention('write a lot again');
    await bot.answers(before + 1);
    const messages = answerMessages(bot, thread);
    expect(messages.length).toBeGreaterThanOrEqual(3);
    expectWithinLimits(messages);
    expect(squash(messages.map(shownText).join(' '))).toBe(squash(answer));
    expect(bot.slack.calls.filter((c) => !c.result.ok && c.method !== 'chat.startStream')).toEqual([]);
  });
});

describe('Slack rendering under the workspace’s rate limits', () => {
  it('spreads the updates of many answers streaming at once instead of being rejected', async () => {
    const bot = await SlackBot.start({
      updateIntervalMs: 10,
      rates: { tier3: { perSecond: 30, burst: 3 }, postPerChannel: { perSecond: 30, burst: 3 } },
    });
    try {
      bot.slack.fail('chat.startStream', { error: 'missing_scope', times: Number.POSITIVE_INFINITY });
      bot.slack.enforceRate('chat.update', { perSecond: 50, burst: 5 });
      const answer = prose(1);
      // Streamed over about a second, so that answers are still growing once their first post lands,
      // even on a busy machine.
      bot.core.fake.setScript(replyWith(answer, { chunkSize: 30, delayMs: 40 }));
      const threads = await Promise.all([1, 2, 3, 4, 5].map((n) => bot.mention(`question ${n}`)));
      await bot.answers(5, 15_000);
      expect(bot.slack.callsOf('chat.update').filter((c) => c.status === 429)).toEqual([]);
      expect(bot.slack.callsOf('chat.update').length).toBeGreaterThan(5);
      for (const { thread } of threads) expect(answerMessages(bot, thread).map(shownText)).toEqual([answer]);
    } finally {
      await bot.close();
    }
  });
});
