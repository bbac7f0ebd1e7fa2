import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelScript, replyWith, text } from '../../src/model-server/index.js';
import { brokenRules, DiscordBot } from '../fakes/discord/bot-harness.js';

const ANSWER = `An answer long enough to stream for a while: ${'one more clause, '.repeat(30)}and done.`;

/** Answers "turn n: question (files: ...)": what reached the model, and with which files. */
const withFiles: ModelScript = ({ text: said, files }) => [
  text(`${said}${files.length > 0 ? ` (files: ${files.map((f) => f.name).join(', ')})` : ''}`),
];

let bot: DiscordBot;

beforeAll(async () => {
  bot = await DiscordBot.start();
});

afterAll(async () => {
  await bot?.close();
});

describe('Discord platform errors', () => {
  it('160004: when the message already has a thread, answers in that thread', async () => {
    bot.openai.setScript(replyWith('In your thread.'));
    const question = bot.mention('answer me where I asked');
    // The user was quicker: a thread from the message exists before the bot tries to open one.
    const theirs = bot.fake.openThreadFrom(question.id, bot.fake.directory.alice, 'my own thread');
    expect(await bot.answer(theirs.id, (c) => c.length === 1)).toEqual(['In your thread.']);
    expect(bot.fake.calls.filter((c) => c.errorCode === 160004)).toHaveLength(1);
    expect(bot.fake.threads(bot.fake.directory.general).filter((t) => t.id === question.id)).toEqual([
      theirs,
    ]);
  });

  it('10008: an answer deleted while it streams continues, whole, in a new message', async () => {
    bot.openai.setScript(replyWith(ANSWER, { chunkSize: 6, delayMs: 8 }));
    const thread = await bot.threadOf(bot.mention('stream something'));
    const first = await bot.fake.waitFor(() => bot.fake.botMessages(thread.id)[0]);
    bot.fake.deleteMessage(first.id);
    await bot.fake.waitFor(() => bot.fake.calls.some((c) => c.errorCode === 10008));
    expect(await bot.answer(thread.id, (c) => c.includes(ANSWER))).toEqual([ANSWER]);
  });

  it('30046: an answer that can no longer be edited continues, whole, in a new message', async () => {
    bot.openai.setScript(replyWith(ANSWER, { chunkSize: 6, delayMs: 8 }));
    const thread = await bot.threadOf(bot.mention('stream something else'));
    const first = await bot.fake.waitFor(() => bot.fake.botMessages(thread.id)[0]);
    bot.fake.freezeEdits(first.id);
    const contents = await bot.answer(thread.id, (c) => c.includes(ANSWER));
    expect(contents.at(-1)).toBe(ANSWER);
    expect(contents).toHaveLength(2);
    expect(bot.fake.calls.filter((c) => c.errorCode === 30046)).toHaveLength(1);
  });

  it('50013: without permission to open threads, says so in the channel and logs why', async () => {
    const { random } = bot.fake.directory;
    bot.fake.deny(random, 'CreatePublicThreads');
    try {
      const runsBefore = bot.openai.runs().length;
      bot.mention('can you hear me?', { channelId: random });
      const [note] = await bot.answer(random, (c) => c.length === 1);
      expect(note).toBe(
        'I cannot open a thread here: I need the Create Public Threads and Send Messages in Threads permissions in this channel.',
      );
      expect(bot.logs.find('cannot open a thread')).toEqual([expect.objectContaining({ code: 50013 })]);
      expect(bot.openai.runs().length).toBe(runsBefore);
    } finally {
      bot.fake.allow(random, 'CreatePublicThreads');
    }
  });

  it('50013: without permission to post in the thread, drops the answer with a clear log line', async () => {
    const { general } = bot.fake.directory;
    bot.fake.deny(general, 'SendMessagesInThreads');
    try {
      bot.openai.setScript(replyWith('Nobody will see this.'));
      const thread = await bot.threadOf(bot.mention('a question in a locked channel'));
      await bot.fake.waitFor(() =>
        bot.fake.calls.some((c) => c.errorCode === 50013 && c.path.includes(thread.id)),
      );
      await bot.idle();
      expect(bot.fake.botMessages(thread.id)).toEqual([]);
      expect(bot.logs.find('Discord refused to post the answer')).toEqual([
        expect.objectContaining({ code: 50013, channel: thread.id, level: 50 }),
      ]);
      expect(bot.logs.raw.join('\n')).not.toContain(bot.fake.token);
    } finally {
      bot.fake.allow(general, 'SendMessagesInThreads');
    }
  });
});

describe('Discord attachments', () => {
  const MB = 1024 * 1024;

  it('stops reading a download at the limit when no size is given at all', async () => {
    bot.openai.setScript(withFiles);
    const endless = { filename: 'endless.csv', bytes: new Uint8Array(3 * MB), size: 100, chunked: true };
    const thread = await bot.threadOf(bot.mention('and that one', { attachments: [endless] }));
    expect(await bot.answer(thread.id, (c) => c.length === 2)).toEqual([
      '⚠️ Attachment skipped: endless.csv is more than 1.0 MB; the limit is 1.0 MB.',
      'and that one',
    ]);
    expect(bot.fake.downloads.filter((d) => d.path.endsWith('/endless.csv'))).toHaveLength(1);
  });

  it('refuses an attachment from a host that is not Discord’s, without fetching it', async () => {
    bot.openai.setScript(withFiles);
    const url = `http://localhost:${bot.fake.port}/attachments/1/2/evil.csv`;
    const thread = await bot.threadOf(
      bot.mention('read this', { attachments: [{ filename: 'evil.csv', bytes: 'x', url }] }),
    );
    expect(await bot.answer(thread.id, (c) => c.length === 2)).toEqual([
      "⚠️ Attachment skipped: evil.csv was not downloaded: it is not on Discord's file hosts.",
      'read this',
    ]);
    expect(bot.fake.downloads.filter((d) => d.path.endsWith('/evil.csv'))).toEqual([]);
  });

  // The refusal itself is in the adapter contract; this is Discord's mention with nothing else in it.
  it('answers a mention of nothing but a refused file with the note alone, listing what is supported', async () => {
    bot.openai.setScript(withFiles);
    const thread = await bot.threadOf(
      bot.mention('', {
        attachments: [{ filename: 'setup.exe', bytes: 'MZ', contentType: 'application/x-msdownload' }],
      }),
    );
    const [note] = await bot.answer(thread.id, (c) => c.length === 1);
    expect(note).toMatch(
      /^⚠️ Attachment skipped: setup\.exe: this file type is not supported \(supported: \.png/,
    );
    expect(bot.fake.downloads.filter((d) => d.path.endsWith('/setup.exe'))).toEqual([]);
  });

  it('kept Discord’s rules in every call and every message', () => {
    expect(brokenRules(bot)).toEqual([]);
  });
});
