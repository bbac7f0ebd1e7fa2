import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  byRound,
  chartFile,
  citation,
  codeInterpreter,
  failed,
  functionCall,
  replyWith,
  text,
  wait,
} from '../../src/model-server/index.js';
import { isFenceBalanced, splitMessage } from '../../src/render/split.js';
import { brokenRules, DiscordBot, TEST_EDIT_INTERVAL_MS } from '../fakes/discord/bot-harness.js';
import type { FakeMessage } from '../fakes/discord/index.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

/** A long answer: prose, a long Python block, more prose; about 10 000 characters. */
function longAnswer(): string {
  const paragraph = (i: number) =>
    `Paragraph ${i}: ${'the quick brown fox jumps over the lazy dog '.repeat(8).trim()}.`;
  const code = Array.from({ length: 120 }, (_, i) => `print("line ${i} of the program")`).join('\n');
  return [
    paragraph(1),
    paragraph(2),
    `\`\`\`python\n${code}\n\`\`\``,
    ...Array.from({ length: 18 }, (_, i) => paragraph(i + 3)),
  ].join('\n\n');
}

/** Asks in a new thread and returns the thread's id with the bot's final messages. */
async function ask(bot: DiscordBot, question: string): Promise<{ thread: string; messages: FakeMessage[] }> {
  const thread = await bot.threadOf(bot.mention(question));
  await bot.answer(thread.id, (c) => c.length > 0);
  return { thread: thread.id, messages: bot.fake.botMessages(thread.id) };
}

describe('Discord rendering (TOOL_DISPLAY=full)', () => {
  let bot: DiscordBot;

  beforeAll(async () => {
    bot = await DiscordBot.start();
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('splits a long answer into messages of at most 2000 characters, fences balanced, nothing lost', async () => {
    const answer = longAnswer();
    bot.openai.setScript(replyWith(answer, { chunkSize: 400 }));
    const { messages } = await ask(bot, 'write a lot');
    const contents = messages.map((m) => m.content);
    expect(contents.length).toBeGreaterThanOrEqual(5);
    for (const content of contents) {
      expect(content.length).toBeLessThanOrEqual(2000);
      expect(isFenceBalanced(content)).toBe(true);
    }
    expect(contents).toEqual(splitMessage(answer, 2000));
    expect(bot.fake.calls.filter((c) => c.errorCode === 50035)).toEqual([]);
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

  it('shows the code it ran as a python block and uploads the chart as a PNG attachment', async () => {
    bot.openai.setScript(() => [
      codeInterpreter({
        code: 'import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])',
        logs: 'ok',
        images: [chartFile()],
      }),
      text('Here is your chart.'),
    ]);
    const { messages } = await ask(bot, 'plot something');
    const contents = messages.map((m) => m.content);
    expect(contents[0]).toBe(
      '**Code interpreter**\n```python\nimport matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\n```\n```\nok\n```',
    );
    expect(contents).toContain('Here is your chart.');
    const image = messages.flatMap((m) => m.attachments).find((a) => a.filename.endsWith('.png'));
    expect(image?.contentType).toBe('image/png');
    expect([...(image?.bytes ?? []).slice(0, 4)]).toEqual(PNG_SIGNATURE);
  });

  it('attaches long code as code.py and long output whole as output.txt', async () => {
    const code = Array.from({ length: 200 }, (_, i) => `x${i} = ${i} * 2`).join('\n');
    const logs = Array.from({ length: 400 }, (_, i) => `row ${i}: ${'#'.repeat(20)}`).join('\n');
    bot.openai.setScript(() => [codeInterpreter({ code, logs }), text('Computed.')]);
    const { messages } = await ask(bot, 'compute a lot');
    const tool = messages[0];
    expect(tool?.content).toContain('_The code is attached as code.py._');
    expect(tool?.content).toContain('_Output trimmed; the whole output is attached as output.txt._');
    expect(tool?.content.length).toBeLessThanOrEqual(2000);
    const files = Object.fromEntries(
      (tool?.attachments ?? []).map((a) => [a.filename, new TextDecoder().decode(a.bytes)]),
    );
    expect(files).toEqual({ 'code.py': code, 'output.txt': logs });
  });

  it('shows a function call as one short line', async () => {
    bot.openai.setScript(
      byRound([functionCall('current_time', { timezone: 'Asia/Tokyo' })], [text('It is late in Tokyo.')]),
    );
    const { messages } = await ask(bot, 'what time is it in Tokyo?');
    expect(messages[0]?.content).toMatch(/^🔧 `current_time` → \{.*"timezone":"Asia\/Tokyo"/);
    expect(messages.at(-1)?.content).toBe('It is late in Tokyo.');
  });

  it('shows cited sources as numbered footnotes', async () => {
    const doc = bot.openai.addFile({ filename: 'policy.md', bytes: '# Leave\n25 days.' });
    bot.openai.setScript(() => [
      text('You get 25 days【4:0†policy.md】.', { annotations: [citation('【4:0†policy.md】', doc.id)] }),
    ]);
    const { messages } = await ask(bot, 'how much leave?');
    expect(messages.map((m) => m.content)).toEqual(['You get 25 days[1].\n\n[1] policy.md']);
  });

  it('ends a failed run with a short message, without internals', async () => {
    bot.openai.setScript(() => [
      text('Starting'),
      failed('Traceback at /srv/secret/engine.py line 3', 'server_error'),
    ]);
    const { thread } = await ask(bot, 'fail please');
    const contents = await bot.answer(thread, (c) => c.some((m) => m.startsWith('⚠️')));
    expect(contents).toEqual([
      'Starting',
      '⚠️ The assistant service had an internal error. Please try again.',
    ]);
    expect(contents.join('\n')).not.toMatch(/secret|Traceback/);
  });

  it('kept Discord’s rules in every call and every message', () => {
    expect(brokenRules(bot)).toEqual([]);
  });
});

describe('Discord rendering with less tool display', () => {
  const script = () => [
    codeInterpreter({ code: 'print(6 * 7)', logs: '42', images: [chartFile()] }),
    text('The answer is 42.'),
  ];

  it('TOOL_DISPLAY=summary shows one line per tool call, and the chart', async () => {
    const bot = await DiscordBot.start({ toolDisplay: 'summary' });
    try {
      bot.openai.setScript(script);
      const { messages } = await ask(bot, 'compute');
      const contents = messages.map((m) => m.content);
      expect(contents[0]).toBe('🧮 Ran 1 line of Python');
      expect(contents.join('\n')).not.toContain('```');
      expect(contents).toContain('The answer is 42.');
      expect(messages.flatMap((m) => m.attachments).map((a) => a.contentType)).toContain('image/png');
    } finally {
      await bot.close();
    }
  });

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
