import { type Message, SnowflakeUtil } from 'discord.js';
import { errorCode, USER_MESSAGES } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { StoreUnavailableError } from '../../store/store-failures.js';
import type { Intake } from '../kit/intake.js';
import type { DiscordConfig } from './config.js';
import { DISCORD_ERROR_CODES, describeError, discordErrorCode } from './discord-errors.js';
import { messageFacts } from './facts.js';
import { type Decision, decide, discordPlace, promptText, threadKey, threadName } from './parse.js';
import { sharedFilesOf } from './shared-files.js';

/** What the message handler works with. */
export interface MessageFlowDeps {
  config: DiscordConfig;
  intake: Intake;
  /** Opens a thread from a message (see threads.ts). */
  openThread: (channelId: string, messageId: string, name: string) => Promise<string>;
  logger: Logger;
}

/**
 * A message from the gateway: mentions in a channel open a thread from the message and are
 * answered there, mentions in threads adopt the thread, owned threads need no mention, DMs are
 * always answered. Everything else is ignored. While the store cannot be reached, the message waits
 * (the intake's hold) and is taken once it is back; one for the bot that waits too long gets a
 * short "send it again".
 */
export async function handleMessage(message: Message, botId: string, deps: MessageFlowDeps): Promise<void> {
  const facts = await messageFacts(message, botId);
  const decision = decide(facts, {
    botId,
    allow: deps.config.allow,
    messageContent: deps.config.messageContent,
  });
  if (decision.kind === 'ignore') return;
  const mark = `message:${facts.id}`;
  const arrivedAt = Date.now();
  // Known once the store said so (or remembered it): the bot owns the thread.
  let forTheBot = decision.kind !== 'thread-if-owned';
  await deps.intake.hold(
    decision.key,
    arrivedAt,
    async (holder) => {
      if (decision.kind === 'thread-if-owned') {
        forTheBot = await deps.intake.isFollowed(decision.key);
        if (!forTheBot) return;
      }
      if (!(await deps.intake.claim(mark, holder))) return;
      await answer(facts, decision, botId, deps, arrivedAt);
    },
    async (holder) => {
      // Another delivery of the same message held here too speaks for both.
      if (!forTheBot || !deps.intake.claimHere(mark, holder)) return;
      await deps.intake.note({ channel: facts.channelId }, USER_MESSAGES.message_not_taken, 'warning');
    },
  );
}

/** Takes a message for the bot, claimed: opens or follows its thread and submits the question. */
async function answer(
  facts: Awaited<ReturnType<typeof messageFacts>>,
  decision: Exclude<Decision, { kind: 'ignore' }>,
  botId: string,
  deps: MessageFlowDeps,
  receivedAt: number,
): Promise<void> {
  const text = promptText(facts.content, botId, facts.botRoleId);
  const question = {
    id: facts.id,
    userId: facts.authorId,
    text,
    files: sharedFilesOf(facts.attachments),
    receivedAt,
    // The message id's own time (a snowflake): the platform's order, whichever process received it.
    ...(/^\d+$/.test(facts.id) ? { sentAt: SnowflakeUtil.timestampFrom(facts.id) } : {}),
  };
  // Who asked and which message (a repeated refusal is a reaction on it), besides where to answer.
  const replyTo = (channel: string, key: string) => ({
    channel,
    key,
    user: facts.authorId,
    asked: facts.id,
    askedIn: facts.channelId,
  });
  const note = (channel: string, line: string, tone?: 'warning') => deps.intake.note({ channel }, line, tone);
  const where = discordPlace({
    guildId: facts.guildId,
    channel: facts.channelId,
    parentChannel: facts.parentId,
    isDm: facts.isDm,
  });
  // Where a failure is reported: the thread once it exists, else where the message was written.
  let here = facts.channelId;
  try {
    switch (decision.kind) {
      case 'dm':
      case 'thread-if-owned':
      case 'thread':
        // A mention in a thread adopts it: later messages there need no mention.
        if (decision.kind === 'thread') await deps.intake.follow(decision.key, facts.authorId);
        await deps.intake.submit({
          ...question,
          key: decision.key,
          replyTo: replyTo(here, decision.key),
          where,
        });
        return;
      case 'open-thread': {
        if (text === '' && facts.attachments.length === 0) {
          await note(here, 'Ask me something after the mention, and I will answer in a thread.');
          return;
        }
        const threadId = await openThread(
          facts.channelId,
          facts.id,
          threadName(text, `Question from ${facts.authorName}`),
          deps,
        );
        if (threadId === undefined) return;
        here = threadId;
        const key = threadKey(facts.channelId, threadId);
        await deps.intake.follow(key, facts.authorId);
        await deps.intake.submit({
          ...question,
          key,
          replyTo: replyTo(threadId, key),
          // The new thread is a channel of its own, opened from the one the mention was written in.
          where: discordPlace({
            guildId: facts.guildId,
            channel: threadId,
            parentChannel: facts.channelId,
            isDm: false,
          }),
        });
        return;
      }
    }
  } catch (error) {
    // An unreachable store is waited out by the hold: the message is taken again (a thread opened
    // already is found again).
    if (error instanceof StoreUnavailableError) throw error;
    // Never silence: the user hears that something failed (by code, never the error's text).
    await note(here, USER_MESSAGES[errorCode(error)], 'warning');
    throw error;
  }
}

/** Opens the thread for a mention; without the permission to, says so in the channel (undefined). */
async function openThread(
  channelId: string,
  messageId: string,
  name: string,
  deps: MessageFlowDeps,
): Promise<string | undefined> {
  try {
    return await deps.openThread(channelId, messageId, name);
  } catch (error) {
    if (discordErrorCode(error) !== DISCORD_ERROR_CODES.missingPermissions) throw error;
    deps.logger.error(
      { channel: channelId, ...describeError(error) },
      'cannot open a thread: the bot needs Create Public Threads and Send Messages in Threads here',
    );
    await deps.intake.note(
      { channel: channelId },
      'I cannot open a thread here: I need the Create Public Threads and Send Messages in Threads permissions in this channel.',
    );
    return undefined;
  }
}
