import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SLACK_ADAPTER } from '../../src/adapters/slack/slack-adapter.js';
import { replyWith } from '../../src/model-server/index.js';
import { SlackBot, shownText } from '../fakes/slack/index.js';

const CHANNEL = 'C0CHAN0001';
const ANSWER = `A streamed answer: ${'one more clause, '.repeat(40)}and done.`;

/** Calls that carry (part of) an answer (in the working line, or a message of its own). */
const carrying =
  (prefix: string) =>
  (args: Readonly<Record<string, unknown>>): boolean =>
    JSON.stringify(args).includes(prefix);

/** Bolt's WebClient retries 5xx itself (p-retry: 1 s, then 2 s), as many times as the adapter says. */
describe('Slack answering 5xx (the Web API client retries them)', () => {
  let bot: SlackBot;

  beforeAll(async () => {
    bot = await SlackBot.start({ updateIntervalMs: 50, webApiRetries: DEFAULT_SLACK_ADAPTER.webApiRetries });
    // chat.postMessage and chat.update, the path where a message is posted and then edited.
    bot.slack.fail('chat.startStream', { error: 'missing_scope', times: Number.POSITIVE_INFINITY });
  });

  afterAll(async () => {
    expect(bot.slack.violations).toEqual([]);
    await bot.close();
  });

  /** How the answer's calls of `method` since then were answered. */
  const statuses = (method: string, since: number) =>
    bot.slack
      .callsOf(method)
      .filter((c) => c.at >= since && carrying('A streamed answer')(c.args))
      .map((c) => c.status);

  it('retries chat.postMessage after a backoff through a 503, and shows the answer once', async () => {
    bot.core.fake.setScript(replyWith('Posted despite the outage.'));
    const since = Date.now();
    // The working line's post (the answer's placeholder) meets the 503.
    const workingLine = (args: Readonly<Record<string, unknown>>) => args.text === 'Working on it…';
    bot.slack.fail('chat.postMessage', { status: 503, matching: workingLine });
    const before = bot.rendered.length;
    const { thread } = await bot.mention('post through an error');
    await bot.answers(before + 1, 15_000);
    // Whether the text took the line or went in its place while the retry waited, it shows once.
    expect(bot.slack.botMessages(CHANNEL, thread).map(shownText)).toEqual(['Posted despite the outage.']);
    const posts = bot.slack.callsOf('chat.postMessage').filter((c) => c.at >= since && workingLine(c.args));
    expect(posts.map((c) => c.status)).toEqual([503, 200]);
    // Backed off, not hammered: p-retry's first wait is a second.
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
  }, 20_000);

  it('retries chat.update through 5xx (one applied before the error); the one message holds the answer', async () => {
    bot.core.fake.setScript(replyWith(ANSWER, { chunkSize: 20, delayMs: 10 }));
    const since = Date.now();
    const before = bot.rendered.length;
    // An update is idempotent: made twice it still shows the same text.
    bot.slack.fail('chat.update', {
      status: 500,
      afterHandling: true,
      matching: carrying('A streamed answer'),
    });
    const { thread } = await bot.mention('update through errors');
    await bot.slack.waitFor(() => statuses('chat.update', since).includes(200), { timeoutMs: 10_000 });
    bot.slack.fail('chat.update', { status: 502, matching: carrying('A streamed answer') });
    await bot.answers(before + 1, 20_000);
    expect(bot.slack.botMessages(CHANNEL, thread).map(shownText)).toEqual([ANSWER]);
    expect(statuses('chat.update', since).filter((s) => s >= 500)).toEqual([500, 502]);
    // Each failed update was sent again as it was, after a backoff, before anything newer.
    const updates = bot.slack
      .callsOf('chat.update')
      .filter((c) => c.at >= since && carrying('A streamed answer')(c.args));
    updates.forEach((call, i) => {
      if (call.status < 500) return;
      const next = updates[i + 1];
      expect(next?.args).toEqual(call.args);
      expect((next?.at ?? 0) - call.at).toBeGreaterThanOrEqual(900);
    });
    // It went into the working line, or (when render planning found chat.update congested by the
    // retries' backoff, as on a loaded machine) into one post of its own: never posted twice.
    expect(statuses('chat.postMessage', since).length).toBeLessThanOrEqual(1);
  }, 30_000);
});
