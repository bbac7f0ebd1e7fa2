import { describe, expect, it } from 'vitest';
import { REFUSED_EMOJI } from '../../src/adapters/discord/discord-surface.js';
import { type Metrics, NO_METRICS } from '../../src/core/metrics.js';
import { type FakeOpenAI, replyWith } from '../../src/model-server/index.js';
import { brokenRules, DiscordBot } from '../fakes/discord/bot-harness.js';
import type { RecordedCall } from '../fakes/discord/index.js';

const prose = (n: number, word = 'Sentence') =>
  Array.from({ length: n }, (_, i) => `${word} ${i + 1} of the answer, streamed in small pieces.`).join(' ');

/** The calls that make an answer's text: posts and edits of messages. */
const textCalls = (calls: readonly RecordedCall[], thread: string) =>
  calls.filter(
    (c) => /^\/channels\/\d+\/messages(\/\d+)?$/.test(c.path) && c.path.startsWith(`/channels/${thread}/`),
  );

/** When the fake model sent the first and last text deltas of the answer to `question` (Date.now() time). */
function modelSpan(openai: FakeOpenAI, question: string): { first: number; last: number } {
  const request = openai.requests.filter((r) => JSON.stringify(r.json ?? '').includes(question)).at(-1);
  const deltas = openai.sent.filter(
    (s) => s.request === request?.index && JSON.stringify(s.payload).includes('delta'),
  );
  // The fake model's clock is performance-based; Discord's fake stamps with Date.now().
  const offset = Date.now() - (performance.timeOrigin + performance.now());
  return { first: (deltas[0]?.at ?? Number.NaN) + offset, last: (deltas.at(-1)?.at ?? Number.NaN) + offset };
}

describe('Discord render planning under a busy budget', () => {
  it('puts the final text, and a new answer’s thread and first post, before other answers’ edits', async () => {
    const strategies: string[] = [];
    const metrics: Metrics = {
      ...NO_METRICS,
      renderStrategy: (_p, to, from) => strategies.push(from === undefined ? to : `${from}->${to}`),
    };
    // Four calls a second in all; edits every 2 s at most, so answers keep editing while they wait.
    const bot = await DiscordBot.start({
      adapter: { budget: { perSecond: 4, burst: 1 } },
      discord: { editIntervalMs: 2000 },
      metrics,
    });
    try {
      const short = 'A short answer that ends first.';
      bot.openai.setScript((context) =>
        context.text.includes('short')
          ? replyWith(short, { chunkSize: 6, delayMs: 30 })(context)
          : replyWith(prose(12), { chunkSize: 12, delayMs: 60 })(context),
      );
      const long = [1, 2, 3].map((n) => bot.mention(`long question ${n}`));
      const threads = await Promise.all(long.map((m) => bot.threadOf(m)));
      await bot.fake.waitFor(() => threads.every((t) => bot.fake.botMessages(t.id).length > 0), {
        what: 'the long answers showing',
        timeoutMs: 15_000,
      });
      const asked = bot.mention('the short question');
      const thread = await bot.threadOf(asked, 15_000);
      await bot.fake.waitFor(() => bot.fake.botMessages(thread.id)[0]?.content === short, {
        what: 'the short answer',
        timeoutMs: 15_000,
      });
      const span = modelSpan(bot.openai, 'the short question');
      const texts = textCalls(bot.fake.calls, thread.id);
      const first = texts[0] as RecordedCall;
      const final = texts.at(-1) as RecordedCall;
      // Other answers' edits were waiting all along; yet between the model's first token and the first
      // text, and between its last token and the final text, at most the one call already on its way.
      const callsBetween = (from: number, to: RecordedCall) =>
        bot.fake.calls.filter((c) => c.at > from && c.at < to.at);
      expect(callsBetween(span.first, first).length).toBeLessThanOrEqual(1);
      expect(callsBetween(span.last, final).length).toBeLessThanOrEqual(1);
      await bot.idle();
      for (const t of threads) expect(bot.fake.botMessages(t.id).map((m) => m.content)).toEqual([prose(12)]);
      expect(strategies.length).toBe(4);
      expect(bot.fake.rateLimited).toBe(0);
      expect(brokenRules(bot)).toEqual([]);
    } finally {
      await bot.close();
    }
  });

  it('under contention posts each message once it is complete: calls per answer near the floor', async () => {
    // A tight budget for six long answers: edits would queue; whole messages do not.
    const bot = await DiscordBot.start({ adapter: { budget: { perSecond: 5, burst: 1 } } });
    try {
      const answer = prose(60, 'Line');
      bot.openai.setScript(replyWith(answer, { chunkSize: 60, delayMs: 20 }));
      const asked = [1, 2, 3, 4, 5, 6].map((n) => bot.mention(`question ${n}`));
      const threads = await Promise.all(asked.map((m) => bot.threadOf(m, 15_000)));
      await bot.fake.waitFor(
        () =>
          threads.every(
            (t) =>
              bot.fake
                .botMessages(t.id)
                .map((m) => m.content)
                .join(' ') === answer,
          ),
        { what: 'every answer whole', timeoutMs: 60_000 },
      );
      await bot.idle();
      for (const t of threads) {
        const messages = bot.fake.botMessages(t.id).length;
        // One post per message and at most one edit each (the first, posted early), none per delta.
        expect(textCalls(bot.fake.calls, t.id).length).toBeLessThanOrEqual(2 * messages + 1);
      }
      expect(bot.fake.rateLimited).toBe(0);
    } finally {
      await bot.close();
    }
  });
});

describe('Discord: the per-user limit notice once per minute', () => {
  it('posts the notice once; later refused messages get a ⏳ reaction, not a new message', async () => {
    const bot = await DiscordBot.start({
      harness: { limits: { perUserPerMinute: 1, dailyTokensPerUser: 0, dailyTokensPerConversation: 0 } },
    });
    try {
      bot.openai.setScript(replyWith('Answered.'));
      const first = bot.mention('one');
      await bot.answer((await bot.threadOf(first)).id, (c) => c.includes('Answered.'));
      const refused = [2, 3, 4].map((n) => bot.mention(`message ${n}`));
      const notice = await bot.fake.waitFor(
        () =>
          bot
            .everything()
            .filter((m) => m.content.includes('faster than I can answer'))
            .at(0),
        { what: 'the notice' },
      );
      await bot.fake.waitFor(
        () =>
          refused
            .slice(1)
            .every((m) => bot.fake.world.messages.get(m.id)?.reactions.get(REFUSED_EMOJI)?.size),
        { what: 'the reactions' },
      );
      await bot.idle();
      expect(bot.everything().filter((m) => m.content.includes('faster than I can answer'))).toEqual([
        notice,
      ]);
      expect(bot.fake.world.messages.get(refused[0]?.id ?? '')?.reactions.get(REFUSED_EMOJI)).toBeUndefined();
      expect(brokenRules(bot)).toEqual([]);
    } finally {
      await bot.close();
    }
  });
});
