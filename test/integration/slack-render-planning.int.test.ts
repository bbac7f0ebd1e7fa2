import { describe, expect, it } from 'vitest';
import { type Metrics, NO_METRICS } from '../../src/core/metrics.js';
import { byRound, functionCall, replyWith, text } from '../../src/model-server/index.js';
import { createPrometheusMetrics } from '../../src/ops/prometheus.js';
import { type FakeMessage, SlackBot, shownText } from '../fakes/slack/index.js';

const CHANNEL = 'C0CHAN0001';

/** Prose of `n` sentences, streamed in small pieces so that it is still growing while its first text shows. */
const prose = (n: number) =>
  Array.from({ length: n }, (_, i) => `Sentence ${i + 1} of the answer, streamed in small pieces.`).join(' ');

/** What rendering reported: each text's strategy at the start, and every change. */
function recorder(): { metrics: Metrics; strategies: string[] } {
  const strategies: string[] = [];
  return {
    strategies,
    metrics: {
      ...NO_METRICS,
      renderStrategy: (_platform, to, from) => strategies.push(from === undefined ? to : `${from}->${to}`),
    },
  };
}

const hasButtons = (m: FakeMessage) => (m.blocks ?? []).some((b) => b.type === 'actions');
const isWorkingLine = (m: FakeMessage) => shownText(m).startsWith('Working on it');

/** Calls of `method` that were about this thread's messages (by thread_ts or by a message's ts). */
function callsFor(bot: SlackBot, thread: string, method: string) {
  const inThread = new Set(bot.slack.state.messages.filter((m) => m.thread_ts === thread).map((m) => m.ts));
  return bot.slack
    .callsOf(method)
    .filter((c) => c.args.thread_ts === thread || inThread.has(String(c.args.ts)));
}

describe('Slack render planning: a stream only when a Tier 2 turn is free at once', () => {
  it('shows a new answer in its working line (chat.update) while another holds the only Tier 2 turn', async () => {
    const { metrics, strategies } = recorder();
    // One Tier 2 turn in all: the first answer's stream takes it and keeps it for its stop.
    const bot = await SlackBot.start({ metrics, rates: { tier2: { perSecond: 1, burst: 1 } } });
    try {
      bot.slack.enforceRate('chat.startStream', { perSecond: 1, burst: 1 });
      bot.slack.enforceRate('chat.stopStream', { perSecond: 1, burst: 1 });
      const long = prose(30);
      const short = 'A short answer, shown in the working line.';
      bot.core.fake.setScript((context) =>
        context.text.includes('long')
          ? replyWith(long, { chunkSize: 40, delayMs: 20 })(context)
          : replyWith(short, { chunkSize: 8, delayMs: 20 })(context),
      );
      const first = await bot.mention('a long one');
      await bot.slack.waitFor(() => callsFor(bot, first.thread, 'chat.startStream')[0], {
        what: 'the first stream',
      });
      const second = await bot.mention('a short one');
      await bot.answers(2, 20_000);

      expect(callsFor(bot, first.thread, 'chat.startStream')).toHaveLength(1);
      // The second never asked for a stream (it would have waited for a turn): its text took the working line.
      expect(callsFor(bot, second.thread, 'chat.startStream')).toEqual([]);
      const messages = bot.slack.botMessages(CHANNEL, second.thread);
      expect(messages.map(shownText)).toEqual([short]);
      const [line] = messages;
      // Posted as the working line, or (on a loaded machine, when the first text came before the
      // line went out) with its first text already in it.
      const firstShown = line?.history[0] ?? '';
      expect(firstShown === 'Working on it…' || short.startsWith(firstShown)).toBe(true);
      expect(line?.history.at(-1)).toBe(short);
      // The final text drops the status and the Stop button.
      expect(hasButtons(line as FakeMessage)).toBe(false);
      expect(strategies).toEqual(['stream', 'edit']);
      expect(bot.slack.calls.filter((c) => c.status === 429)).toEqual([]);
      expect(bot.slack.violations).toEqual([]);
    } finally {
      await bot.close();
    }
  });

  it('keeps the Stop button under the text while the answer streams in the working line', async () => {
    // No Tier 2 turn at all: the workspace's stream budget is spent.
    const bot = await SlackBot.start({ rates: { tier2: { perSecond: 0.001, burst: 0 } } });
    try {
      bot.core.fake.setScript(replyWith(prose(12), { chunkSize: 10, delayMs: 30 }));
      const { thread } = await bot.mention('stream it into the line');
      // While it grows: text above, status and Stop below, in one message.
      const growing = await bot.slack.waitFor(
        () =>
          bot.slack
            .botMessages(CHANNEL, thread)
            .find((m) => (m.blocks ?? []).some((b) => b.type === 'markdown') && hasButtons(m)),
        { what: 'the text in the working line, with its Stop button' },
      );
      expect(shownText(growing)).toMatch(/^Sentence 1/);
      await bot.answers(1);
      const [answer, ...rest] = bot.slack.botMessages(CHANNEL, thread);
      expect(rest).toEqual([]);
      expect(answer?.ts).toBe(growing.ts);
      expect(shownText(answer as FakeMessage)).toBe(prose(12));
      expect(hasButtons(answer as FakeMessage)).toBe(false);
      expect(bot.slack.callsOf('chat.startStream')).toEqual([]);
    } finally {
      await bot.close();
    }
  });
});

describe('Slack render planning on /metrics', () => {
  it('counts the strategies, the waits for a budget, and how soon text was visible', async () => {
    const prometheus = createPrometheusMetrics();
    const bot = await SlackBot.start({
      metrics: prometheus.metrics,
      rates: { tier2: { perSecond: 0.001, burst: 0 }, tier3: { perSecond: 5, burst: 1 } },
    });
    try {
      bot.core.fake.setScript(replyWith(prose(6), { chunkSize: 10, delayMs: 10 }));
      await Promise.all([1, 2].map((n) => bot.mention(`question ${n}`)));
      await bot.answers(2, 15_000);
      const text = await prometheus.registry.metrics();
      expect(text).toMatch(/threadloom_first_text_visible_seconds_count\{platform="slack"\} 2/);
      expect(text).toMatch(/threadloom_final_text_visible_seconds_count\{platform="slack"\} 2/);
      expect(text).toMatch(/threadloom_render_strategies_total\{platform="slack",strategy="(edit|whole)"\}/);
      expect(text).toMatch(
        /threadloom_budget_waits_total\{platform="slack",budget="tier3",lane="\w+"\} [1-9]/,
      );
    } finally {
      await bot.close();
    }
  });
});

describe('Slack render planning: changing course while an answer streams', () => {
  it('goes on in ordinary messages when a long answer needs a further stream and no Tier 2 turn is free', async () => {
    const { metrics, strategies } = recorder();
    const bot = await SlackBot.start({ metrics, rates: { tier2: { perSecond: 1, burst: 1 } } });
    try {
      const paragraph = `${'A sentence of a long answer that needs more than one Slack message. '.repeat(14).trim()}`;
      const answer = Array.from({ length: 14 }, () => paragraph).join('\n\n');
      bot.core.fake.setScript(replyWith(answer, { chunkSize: 1500, delayMs: 20 }));
      const { thread } = await bot.mention('write a lot');
      await bot.answers(1, 20_000);
      // The first message streamed; the rest went on with chat.postMessage / chat.update at once.
      expect(callsFor(bot, thread, 'chat.startStream').filter((c) => c.result.ok)).toHaveLength(1);
      const messages = bot.slack.botMessages(CHANNEL, thread);
      expect(messages.length).toBeGreaterThanOrEqual(2);
      expect(messages[0]?.stream).toBe('stopped');
      expect(messages.slice(1).every((m) => m.stream === undefined)).toBe(true);
      expect(messages.map(shownText).join('\n\n').replace(/\s+/g, ' ')).toBe(answer.replace(/\s+/g, ' '));
      expect(messages.some(isWorkingLine)).toBe(false);
      expect(strategies).toEqual(['stream', 'stream->edit']);
    } finally {
      await bot.close();
    }
  });

  it('never puts the text in the working line above a tool call posted after it', async () => {
    const bot = await SlackBot.start({ rates: { tier2: { perSecond: 0.001, burst: 0 } } });
    try {
      bot.core.fake.setScript(
        byRound(
          [functionCall('current_time', { timezone: 'Asia/Tokyo' })],
          [text('It is evening in Tokyo.')],
        ),
      );
      const { thread } = await bot.mention('what time is it in Tokyo?');
      await bot.answers(1);
      const shown = bot.slack.botMessages(CHANNEL, thread).map(shownText);
      expect(shown).toHaveLength(2);
      expect(shown[0]).toMatch(/current_time/);
      expect(shown[1]).toBe('It is evening in Tokyo.');
    } finally {
      await bot.close();
    }
  });
});

describe('Slack render planning when Tier 3 is busy too', () => {
  it('posts the text whole when it is complete, and removes the unused working line after', async () => {
    const { metrics, strategies } = recorder();
    const bot = await SlackBot.start({
      metrics,
      updateIntervalMs: 50,
      // Tier 3 (one budget for chat.update and chat.delete) with a turn every two seconds.
      rates: { tier2: { perSecond: 0.001, burst: 0 }, tier3: { perSecond: 0.5, burst: 1 } },
    });
    try {
      bot.slack.enforceRate('chat.update', { perSecond: 1, burst: 1 });
      bot.slack.enforceRate('chat.delete', { perSecond: 1, burst: 1 });
      bot.core.fake.setScript(replyWith(prose(10), { chunkSize: 10, delayMs: 10 }));
      const asked = await Promise.all([1, 2, 3, 4].map((n) => bot.mention(`question ${n}`)));
      await bot.answers(4, 30_000);
      const whole = asked.filter(({ thread }) => callsFor(bot, thread, 'chat.update').length === 0);
      // One answer at most could take its working line; the others went whole.
      expect(whole.length).toBeGreaterThanOrEqual(3);
      for (const { thread } of asked) {
        const messages = bot.slack.botMessages(CHANNEL, thread);
        expect(messages.map(shownText)).toEqual([prose(10)]);
        expect(messages.some(isWorkingLine)).toBe(false);
      }
      for (const { thread } of whole) {
        // Posted once, complete: never edited while it streamed.
        const [answer] = bot.slack.botMessages(CHANNEL, thread);
        expect(answer?.history).toEqual([prose(10)]);
        expect(callsFor(bot, thread, 'chat.delete')).toHaveLength(1);
      }
      expect(strategies.filter((s) => s === 'whole').length).toBeGreaterThanOrEqual(3);
      expect(bot.slack.calls.filter((c) => c.status === 429)).toEqual([]);
    } finally {
      await bot.close();
    }
  });

  it('switches an answer from edits to whole messages when Tier 3 gets busy while it streams', async () => {
    const { metrics, strategies } = recorder();
    const bot = await SlackBot.start({
      metrics,
      updateIntervalMs: 50,
      rates: { tier2: { perSecond: 0.001, burst: 0 }, tier3: { perSecond: 2.5, burst: 2 } },
    });
    try {
      bot.slack.enforceRate('chat.update', { perSecond: 3, burst: 2 });
      const slow = prose(40);
      bot.core.fake.setScript((context) =>
        context.text.includes('slow')
          ? replyWith(slow, { chunkSize: 20, delayMs: 40 })(context)
          : replyWith('Quick.', { chunkSize: 2, delayMs: 200 })(context),
      );
      const first = await bot.mention('a slow one');
      await bot.slack.waitFor(
        () => bot.slack.botMessages(CHANNEL, first.thread).find((m) => shownText(m).startsWith('Sentence')),
        { what: 'the slow answer shown in its working line' },
      );
      // Others ask: their working lines and texts make Tier 3 busy.
      await Promise.all([1, 2, 3, 4, 5].map((n) => bot.mention(`quick ${n}`)));
      await bot.answers(6, 30_000);
      expect(strategies[0]).toBe('edit');
      expect(strategies).toContain('edit->whole');
      expect(bot.slack.botMessages(CHANNEL, first.thread).map(shownText)).toEqual([slow]);
      expect(bot.slack.calls.filter((c) => c.status === 429)).toEqual([]);
    } finally {
      await bot.close();
    }
  });
});
