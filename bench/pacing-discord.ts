import { type FakeOpenAI, text } from '../src/model-server/index.js';
import { splitMessage } from '../src/render/split.js';
import { startFakeDiscord } from '../test/fakes/discord/index.js';
import { BenchBot } from './bot.js';
import { longAnswer, normalise } from './long-answer.js';
import { clockOffset, modelSpans } from './model-spans.js';
import { type AnswerTrace, type MessageTrace, type PacingFigures, pacingFigures } from './pacing.js';
import { now, sleep } from './stats.js';

/** Polls `probe` (cheaply, off the fakes' hot path) until it holds. */
export async function until(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * Scenario 3 on Discord: `n` people mention the bot at once, each in their own channel of one guild;
 * each answer is `words` words streamed at about 100 tokens/s. The fake holds the bot to Discord's
 * figures: 50 requests/s in all and 5 per 5 s per route and channel (X-RateLimit headers on every
 * answer, 429 past them). The bot runs with its production pacing.
 */
export async function pacingOnDiscord(openai: FakeOpenAI, n: number, words: number): Promise<PacingFigures> {
  const answer = longAnswer(words);
  openai.setScript(() => [text(answer, { chunkSize: 80, delayMs: 200 })]);
  const discord = await startFakeDiscord({ bucket: { limit: 5, windowMs: 5000 }, globalPerSecond: 50 });
  const channels = Array.from(
    { length: n },
    (_, i) => discord.world.addTextChannel(discord.directory.guildId, `bench-${i}`).id,
  );
  const bot = await BenchBot.start({ backend: 'responses', openai, discord });
  try {
    const startedAt = now();
    const limitedBefore = discord.rateLimited;
    const asked = channels.map((_, i) => `question ${i}`);
    const questions = channels.map((channelId, i) =>
      discord.sendMessage({
        channelId,
        authorId: discord.directory.alice,
        content: asked[i] ?? '',
        mention: true,
      }),
    );
    const expected = normalise(answer);
    const shows = (threadId: string | undefined) =>
      threadId !== undefined &&
      normalise(
        discord
          .botMessages(threadId)
          .map((m) => m.content)
          .join('\n'),
      ) === expected;
    await until(() => questions.every((q) => shows(q.threadId)), 20 * 60_000, 'every Discord answer');
    await bot.idle();
    const wallMs = now() - startedAt;
    const calls = discord.calls.filter((c) => c.at >= startedAt - 1 && !c.route.startsWith('/interactions/'));
    const answers: AnswerTrace[] = [];
    const messages: MessageTrace[] = [];
    const spans = modelSpans(openai, asked);
    const offset = clockOffset();
    // The thread, one post per message of 2,000 characters, and the final edit.
    const floor = 1 + splitMessage(answer, 2000).length + 1;
    for (const [i, question] of questions.entries()) {
      const thread = question.threadId ?? '';
      const mine = calls.filter(
        (c) => c.path.startsWith(`/channels/${thread}/`) || c.path.startsWith(`/channels/${channels[i]}/`),
      );
      const texts = mine.filter(
        (c) => /^\/channels\/\d+\/messages(\/\d+)?$/.test(c.path) && c.method !== 'DELETE',
      );
      answers.push({
        firstTextAt: texts[0]?.at ?? Number.NaN,
        lastTextAt: texts.at(-1)?.at ?? Number.NaN,
        calls: mine.length,
        complete: shows(thread),
        modelEndAt: (spans[i]?.lastTokenAt ?? Number.NaN) + offset,
        floor,
      });
      for (const message of discord.botMessages(thread)) {
        const edits = mine.filter((c) => c.method === 'PATCH' && c.path.endsWith(`/messages/${message.id}`));
        const last = edits.at(-1);
        messages.push({ edits: edits.length, spanMs: last ? last.at - message.createdAt : 0 });
      }
    }
    return pacingFigures({
      answers,
      messages,
      callTimes: calls.map((c) => c.at),
      rateLimited: discord.rateLimited - limitedBefore,
      conversations: n,
      words,
      wallMs,
    });
  } finally {
    await bot.close();
    await discord.close();
  }
}
