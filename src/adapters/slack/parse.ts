/**
 * Slack events as threadloom reads them: pure functions, no I/O, so every rule about whether to answer
 * is unit-tested on real payload shapes (test/fixtures/slack).
 */
import { type ConversationKey, conversationKey } from '../../core/conversation.js';
import type { MessagePlace } from '../../core/messages.js';
import type { AccessPlace } from '../kit/access.js';

/** A file shared with a message, as the Events API describes it (only what we read). */
export interface SlackFile {
  id: string;
  name?: string;
  title?: string;
  mimetype?: string;
  size?: number;
  /** `hidden_by_limit`, `tombstone`, `external`... files we cannot download have a mode saying so. */
  mode?: string;
  /** `check_file_info` on a Slack Connect stub: `files.info` has the file (see connect-files.ts). */
  file_access?: string;
  url_private?: string;
  url_private_download?: string;
}

/** A `message` or `app_mention` event (only the fields we read). */
export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  files?: readonly SlackFile[];
}

/** Who the bot is in this workspace (from `auth.test`, through Bolt's context). */
export interface BotIdentity {
  userId: string | undefined;
  botId: string | undefined;
}

/** Where an answer goes: everything the renderer needs, as strings so it fits `InboundMessage.replyTo`. */
export interface SlackAddress {
  team: string;
  channel: string;
  /** The thread the answer goes to (`thread_ts`, or the message's own `ts` for a root message). */
  thread: string;
  /** The user who asked: streams in channels are addressed to them. */
  user: string;
  /** A DM (the assistant or agent view) or a channel. */
  surface: 'dm' | 'channel';
}

/** Message subtypes that are still a person writing; every other subtype (edits, joins, bots) is not. */
const USER_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

/** A message someone wrote (not a bot, not the bot itself, not an edit or a join notice). */
export function isUserMessage(event: SlackMessageEvent, bot: BotIdentity): boolean {
  if (!USER_SUBTYPES.has(event.subtype)) return false;
  if (event.bot_id !== undefined || event.user === undefined) return false;
  return event.user !== bot.userId;
}

/** DMs (`im`, including the assistant and agent views) are answered without a mention. */
export function surfaceOf(event: Pick<SlackMessageEvent, 'channel' | 'channel_type'>): 'dm' | 'channel' {
  if (event.channel_type !== undefined) return event.channel_type === 'im' ? 'dm' : 'channel';
  return event.channel.startsWith('D') ? 'dm' : 'channel';
}

/** A message's thread: its `thread_ts`, or its own `ts` when it starts one (a root message or DM). */
export function threadOf(event: Pick<SlackMessageEvent, 'ts' | 'thread_ts'>): string {
  return event.thread_ts ?? event.ts;
}

/** `slack:<team>:<channel>:<thread_ts>`; a ts holds a '.', which keys allow. */
export function slackKey(team: string, channel: string, thread: string): ConversationKey {
  return conversationKey('slack', team, channel, thread);
}

/**
 * Where a message was written, for choosing its profile: the team and the channel. Slack threads live
 * in their channel, so the channel is what a thread inherits its profile from; IM channels are direct.
 */
export function placeOf(address: Pick<SlackAddress, 'team' | 'channel' | 'surface'>): MessagePlace {
  return {
    platform: 'slack',
    space: address.team,
    channel: address.channel,
    isDirect: address.surface === 'dm',
  };
}

/** The address of the answer to `event` in workspace `team`. */
export function addressOf(event: SlackMessageEvent, team: string): SlackAddress {
  return {
    team,
    channel: event.channel,
    thread: threadOf(event),
    user: event.user ?? '',
    surface: surfaceOf(event),
  };
}

/** Does the text mention this bot (`<@U123>` or `<@U123|name>`)? */
export function mentions(text: string, botUserId: string | undefined): boolean {
  return botUserId !== undefined && mentionPattern(botUserId).test(text);
}

function mentionPattern(botUserId: string): RegExp {
  return new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, 'g');
}

/**
 * Slack's wire text as a person wrote it: the bot's own mention removed, other mentions and links
 * made readable (`<https://x|label>` -> `label (https://x)`), and Slack's three HTML escapes undone.
 */
export function plainText(text: string, botUserId: string | undefined): string {
  const withoutBot = botUserId === undefined ? text : text.replace(mentionPattern(botUserId), ' ');
  return withoutBot
    .replace(/<([@#!])([^>|]+)(?:\|([^>]*))?>/g, (_, sigil: string, id: string, label?: string) =>
      sigil === '!' ? `@${label ?? id}` : `${sigil}${label ?? id}`,
    )
    .replace(/<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>/g, (_, url: string, label?: string) =>
      label && label !== url ? `${label} (${url})` : url,
    )
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/** In-thread commands, since Slack offers no slash commands inside threads. */
export type ThreadCommand = 'reset' | 'cancel' | 'usage';

/**
 * `!reset` / `!cancel` / `!usage`, or a mention with just that word (`@bot reset`). Only the whole
 * message counts, so "how do I cancel a subscription?" stays a question.
 */
export function threadCommand(plain: string, mentioned: boolean): ThreadCommand | undefined {
  const match = /^(!)?(reset|cancel|usage)[.!]?$/i.exec(plain.trim());
  if (!match?.[2] || (!match[1] && !mentioned)) return undefined;
  return match[2].toLowerCase() as ThreadCommand;
}

/** Where a request comes from, for the allowlists. */
export interface Origin {
  team: string;
  channel: string;
  user: string;
}

/** A Slack origin in the terms of the kit's allowlists (kit/access.ts); DM channel ids start with D. */
export function accessOf(origin: Origin): AccessPlace {
  return {
    space: origin.team,
    channels: [origin.channel],
    user: origin.user,
    roles: [],
    isDirect: origin.channel.startsWith('D'),
  };
}

/** A short title for an assistant thread, from its first question. */
export function titleFrom(plain: string, max = 60): string {
  const line = plain.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line || 'New chat';
  const cut = line.lastIndexOf(' ', max - 1);
  return `${line.slice(0, cut > max / 2 ? cut : max - 1)}…`;
}
