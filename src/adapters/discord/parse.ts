import type { Allowlist } from '../../config/types.js';
import { type ConversationKey, conversationKey } from '../../core/conversation.js';
import type { MessagePlace } from '../../core/messages.js';
import { type AccessPlace, isAllowed } from '../kit/access.js';

/**
 * Deciding whether to answer a Discord message, and where: pure functions over plain facts, so the
 * rules are tested without a client. `facts.ts` reads these facts from discord.js objects.
 */

/** A file a user attached, as Discord describes it (not yet downloaded). */
export interface AttachmentFacts {
  name: string;
  url: string;
  /** Bytes, as Discord reports it. */
  size: number;
  contentType: string | undefined;
}

/** Where something happened and who did it: what the allowlists look at. */
export interface Place {
  /** Undefined in a DM. */
  guildId: string | undefined;
  /** The channel, and for a thread also its parent channel (either may be allowlisted). */
  channelIds: readonly string[];
  userId: string;
  roleIds: readonly string[];
}

/** One message, in the terms the rules need. */
export interface MessageFacts {
  id: string;
  channelId: string;
  guildId: string | undefined;
  isDm: boolean;
  /** Set for a message in a thread: the channel the thread belongs to. */
  parentId: string | undefined;
  authorId: string;
  authorName: string;
  /** A bot or webhook wrote it (the bot itself included). */
  fromBot: boolean;
  /** A system message (member joined, pin, thread created...) or from Discord's system user. */
  system: boolean;
  content: string;
  /** The bot was mentioned, as a user or by its own (managed) role. */
  mentionsBot: boolean;
  /** The bot's managed role in this guild, which people may mention instead of the bot. */
  botRoleId: string | undefined;
  roleIds: readonly string[];
  attachments: readonly AttachmentFacts[];
}

/** What to do with a message. */
export type Decision =
  | { kind: 'ignore'; reason: string }
  /** A DM: the DM channel is one conversation. */
  | { kind: 'dm'; key: ConversationKey }
  /** A mention in a thread: answer there, and own the thread from now on. */
  | { kind: 'thread'; key: ConversationKey; adopt: true }
  /** No mention in a thread: answer only if the bot owns the thread (the store says). */
  | { kind: 'thread-if-owned'; key: ConversationKey }
  /** A mention in a channel: open a thread from the message (its id becomes the thread's). */
  | { kind: 'open-thread'; key: ConversationKey };

/** The bot's identity and settings that `decide` applies. */
export interface DecideOptions {
  botId: string;
  allow: Allowlist;
  /** The Message Content intent is on: messages without a mention can be read. */
  messageContent: boolean;
}

/** `discord:<dm channel>:<dm channel>`: a DM is one conversation. */
export function dmKey(channelId: string): ConversationKey {
  return conversationKey('discord', channelId, channelId);
}

/** `discord:<channel>:<thread>`. */
export function threadKey(parentId: string, threadId: string): ConversationKey {
  return conversationKey('discord', parentId, threadId);
}

/**
 * Where a question was asked, for choosing its profile: the guild, the channel the answer goes to (a
 * thread is a channel on Discord) and, for a thread, the channel it was opened from. A DM has no guild.
 */
export function discordPlace(at: {
  guildId: string | undefined;
  channel: string;
  parentChannel: string | undefined;
  isDm: boolean;
}): MessagePlace {
  if (at.isDm || at.guildId === undefined)
    return { platform: 'discord', channel: at.channel, isDirect: true };
  return {
    platform: 'discord',
    space: at.guildId,
    channel: at.channel,
    ...(at.parentChannel === undefined ? {} : { parentChannel: at.parentChannel }),
    isDirect: false,
  };
}

/** Whether to answer a message, and where. Bots, system messages and anyone outside the allowlists are ignored. */
export function decide(facts: MessageFacts, options: DecideOptions): Decision {
  if (facts.fromBot || facts.authorId === options.botId) return { kind: 'ignore', reason: 'from a bot' };
  if (facts.system) return { kind: 'ignore', reason: 'system message' };
  const place: Place = {
    guildId: facts.guildId,
    channelIds: facts.parentId === undefined ? [facts.channelId] : [facts.channelId, facts.parentId],
    userId: facts.authorId,
    roleIds: facts.roleIds,
  };
  if (!isAllowed(options.allow, accessOf(place))) return { kind: 'ignore', reason: 'not allowlisted' };
  if (facts.isDm) return { kind: 'dm', key: dmKey(facts.channelId) };
  if (facts.parentId !== undefined) {
    const key = threadKey(facts.parentId, facts.channelId);
    if (facts.mentionsBot) return { kind: 'thread', key, adopt: true };
    // Without the intent, Discord sends such messages with empty content: nothing to answer.
    if (!options.messageContent) return { kind: 'ignore', reason: 'no mention, no Message Content intent' };
    return { kind: 'thread-if-owned', key };
  }
  if (!facts.mentionsBot) return { kind: 'ignore', reason: 'no mention in a channel' };
  return { kind: 'open-thread', key: threadKey(facts.channelId, facts.id) };
}

/** A Discord place in the terms of the kit's allowlists (kit/access.ts). */
export function accessOf(place: Place): AccessPlace {
  return {
    space: place.guildId,
    channels: place.channelIds,
    user: place.userId,
    roles: place.roleIds,
    isDirect: place.guildId === undefined,
  };
}

/** The question without the bot's own mention (`<@id>`, the legacy `<@!id>`, or its role's `<@&id>`). */
export function promptText(content: string, botId: string, botRoleId?: string): string {
  const role = botRoleId === undefined ? '' : `|<@&${botRoleId}>`;
  return content
    .replace(new RegExp(`<@!?${botId}>${role}`, 'g'), ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** Discord's limit for a thread name. */
export const MAX_THREAD_NAME = 100;

/**
 * A thread name from the first words of the question: mentions dropped, one line, at most 100
 * characters, cut at a word with an ellipsis when longer. `fallback` when nothing is left.
 */
export function threadName(text: string, fallback: string): string {
  const line = text
    .replace(/<(?:@[!&]?|#)\d+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(line.length > 0 ? line : fallback);
  if (chars.length <= MAX_THREAD_NAME) return chars.join('');
  const cut = chars.slice(0, MAX_THREAD_NAME - 1).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space >= MAX_THREAD_NAME / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
