import { KeyvSqlite } from '@keyv/sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { USER_MESSAGES } from '../../src/core/errors.js';
import { brokenRules, DiscordBot } from '../fakes/discord/bot-harness.js';
import { text } from '../fakes/openai/index.js';

/**
 * The Discord bot on an SQLite store that another connection locks (a backup, a second process): a
 * mention sent meanwhile is held and answered once the lock goes; one held past STORE_HOLD_MS gets
 * the short "send it again" line instead. Never silence.
 */

let bot: DiscordBot | undefined;
let locker: KeyvSqlite | undefined;

afterEach(async () => {
  await locker?.query('ROLLBACK').catch(() => undefined);
  await locker?.close();
  locker = undefined;
  await bot?.close();
  bot = undefined;
});

/** A bot whose store gives up on a lock fast (the hold does the waiting), with the file locked. */
async function lockedBot(holdMs: number): Promise<DiscordBot> {
  const started = await DiscordBot.start({
    harness: { store: { retryMs: 50, sqliteBusyTimeoutMs: 20 } },
    storeHold: { holdMs, maxPerConversation: 5 },
  });
  started.openai.setScript(({ text: said }) => [text(`you said: ${said}`)]);
  bot = started;
  locker = new KeyvSqlite({ uri: `sqlite://${started.core.storeFile}` });
  await locker.query('BEGIN EXCLUSIVE');
  return started;
}

/** Waits until the bot has logged `what` (the logs raise no event to await). */
async function untilLogged(what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((bot?.logs.find(what).length ?? 0) === 0) {
    if (Date.now() > deadline) throw new Error(`nothing logged like "${what}" within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Discord while the store is locked', () => {
  it('holds a mention and answers it in its thread once the store is back', async () => {
    const discord = await lockedBot(60_000);
    const question = discord.mention('hello while locked');
    await untilLogged('the store cannot be reached: holding a message until it is back');
    expect(discord.fake.botMessages(discord.fake.directory.general)).toEqual([]);
    await locker?.query('COMMIT');

    const thread = await discord.threadOf(question, 10_000);
    expect(await discord.answer(thread.id, (c) => c.length === 1)).toEqual(['you said: hello while locked']);
    expect(discord.everything().map((m) => m.content)).not.toContain(`⚠️ ${USER_MESSAGES.message_not_taken}`);
    expect(brokenRules(discord)).toEqual([]);
  });

  it('asks the user to send it again when the store stays locked past STORE_HOLD_MS', async () => {
    const discord = await lockedBot(300);
    const question = discord.mention('anyone there?');
    const said = await discord.answer(discord.fake.directory.general, (c) => c.length === 1, 10_000);
    expect(said).toEqual([expect.stringContaining(USER_MESSAGES.message_not_taken)]);
    expect(question.threadId).toBeUndefined();
    expect(brokenRules(discord)).toEqual([]);
  });
});
