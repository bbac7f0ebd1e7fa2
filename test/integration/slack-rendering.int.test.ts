import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  byRound,
  chartFile,
  citation,
  codeInterpreter,
  echoScript,
  failed,
  functionCall,
  parabolaPng,
  replyWith,
  text,
} from '../../src/model-server/index.js';
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

  it('delivers a long answer whole, across several streamed messages within Slack’s limits', async () => {
    const answer = `${prose(30)}\n\n\`\`\`python\n${'print("row")\n'.repeat(400)}\`\`\`\n\nThe end.`;
    bot.core.fake.setScript(replyWith(answer, { chunkSize: 3000 }));
    const before = bot.rendered.length;
    const { thread } = await bot.mention('write a lot');
    await bot.answers(before + 1);
    const messages = answerMessages(bot, thread);
    expect(messages.length).toBeGreaterThanOrEqual(3);
    expectWithinLimits(messages);
    expect(messages.every((m) => m.stream === 'stopped')).toBe(true);
    const shown = messages.map(shownText).join('\n');
    // The only additions are the fence lines that close and reopen the code block at a cut.
    expect(squash(shown.replace(/\n```(python)?(?=\n|$)/g, ''))).toBe(
      squash(answer.replace(/\n```(python)?(?=\n|$)/g, '')),
    );
    expect(bot.slack.calls.filter((c) => !c.result.ok)).toEqual([]);
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

  it('uploads a chart the code made into the thread, with the code shown', async () => {
    const png = parabolaPng();
    bot.core.fake.setScript(() => [
      codeInterpreter({
        code: 'import matplotlib\nplt.plot(x, y)',
        logs: 'done',
        images: [chartFile('chart.png', png)],
      }),
      text('Here is the chart.'),
    ]);
    const before = bot.rendered.length;
    const { thread } = await bot.mention('plot it');
    await bot.answers(before + 1);
    const complete = bot.slack.callsOf('files.completeUploadExternal').at(-1);
    expect(complete?.args).toMatchObject({ channel_id: CHANNEL, thread_ts: thread });
    const fileMessage = bot.slack.botMessages(CHANNEL, thread).find((m) => m.files !== undefined);
    const file = fileMessage?.files?.[0];
    expect(file?.name).toBe('chart.png');
    expect(Buffer.from(file?.bytes ?? new Uint8Array()).equals(Buffer.from(png))).toBe(true);
    const shown = bot.slack.botMessages(CHANNEL, thread).map(shownText);
    expect(shown.some((t) => t.includes('```python\nimport matplotlib'))).toBe(true);
    expect(shown.at(-1)).toBe('Here is the chart.');
  });

  it('attaches code too long to show as code.py', async () => {
    const code = 'x = 1\n'.repeat(1200);
    bot.core.fake.setScript(() => [codeInterpreter({ code }), text('Ran it.')]);
    const before = bot.rendered.length;
    const { thread } = await bot.mention('run a lot of code');
    await bot.answers(before + 1);
    const uploaded = [...bot.slack.state.files.values()].find((f) => f.name === 'code.py');
    expect(new TextDecoder().decode(uploaded?.bytes)).toBe(code);
    expect(bot.slack.botMessages(CHANNEL, thread).map(shownText)).toContain(
      '**Code interpreter**\n_The code is attached as code.py._',
    );
  });

  it('shows citations as numbered footnotes, correcting what already streamed', async () => {
    const doc = bot.core.fake.addFile({ filename: 'policy.md', bytes: '# Leave policy' }).id;
    bot.core.fake.setScript(() => [
      text('You get 25 days【1:0†policy.md】 of leave.', {
        annotations: [citation('【1:0†policy.md】', doc)],
      }),
    ]);
    const before = bot.rendered.length;
    const { thread } = await bot.mention('how much leave?');
    await bot.answers(before + 1);
    expect(answerMessages(bot, thread).map(shownText)).toEqual([
      'You get 25 days[1] of leave.\n\n[1] policy.md',
    ]);
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

  it('ends a failed run with a short message and never the service’s own words', async () => {
    bot.core.fake.setScript(() => [failed('stack trace: secret internals at line 42')]);
    const before = bot.rendered.length;
    const { thread } = await bot.mention('break');
    await bot.answers(before + 1);
    const shown = bot.slack.botMessages(CHANNEL, thread).map(shownText).join('\n');
    expect(bot.slack.botMessages(CHANNEL, thread).map((m) => m.text)).toEqual([
      'The assistant service had an internal error. Please try again.',
    ]);
    expect(shown).not.toContain('internals');
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

describe('Slack rendering with TOOL_DISPLAY=summary', () => {
  it('shows the code interpreter’s work as one line', async () => {
    const bot = await SlackBot.start({ toolDisplay: 'summary' });
    try {
      bot.core.fake.setScript(() => [codeInterpreter({ code: 'a = 1\nb = 2', logs: '3' }), text('Done.')]);
      const { thread } = await bot.mention('compute');
      await bot.answers(1);
      expect(bot.slack.botMessages(CHANNEL, thread).map(shownText)).toEqual([
        '🧮 Ran 2 lines of Python',
        'Done.',
      ]);
    } finally {
      await bot.close();
    }
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
