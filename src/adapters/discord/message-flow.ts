import type { Message } from 'discord.js';
import { errorCode, USER_MESSAGES } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Intake } from '../kit/intake.js';
import type { DiscordConfig } from './config.js';
import { DISCORD_ERROR_CODES, describeError, discordErrorCode } from './discord-errors.js';
import { messageFacts } from './facts.js';
import { decide, discordPlace, promptText, threadKey, threadName } from './parse.js';
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
 * always answered. Everything else is ignored.
 */
export async function handleMessage(message: Message, botId: string, deps: MessageFlowDeps): Promise<void> {
  const facts = await messageFacts(message, botId);
  const decision = decide(facts, {
    botId,
    allow: deps.config.allow,
    messageContent: deps.config.messageContent,
  });
  if (decision.kind === 'ignore') return;
  if (decision.kind === 'thread-if-owned' && !(await deps.intake.isFollowed(decision.key))) return;
  if (!(await deps.intake.claim(`message:${facts.id}`))) return;

  const text = promptText(facts.content, botId, facts.botRoleId);
  const question = { id: facts.id, userId: facts.authorId, text, files: sharedFilesOf(facts.attachments) };
  const replyTo = (channel: string, key: string) => ({ channel, key });
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
