import type { ConversationKey } from '../../core/conversation.js';
import type { SlackAddress } from './parse.js';

/**
 * `InboundMessage.replyTo` for Slack: the answer's address and its conversation key, as strings, so a
 * queued message can be answered by whichever process runs it.
 */
export function replyToOf(address: SlackAddress, key: ConversationKey): Record<string, string> {
  return { ...address, key };
}

/** The address back from `replyTo`; a missing field is an empty string (Slack then says which). */
export function addressFromReplyTo(replyTo: Readonly<Record<string, string>>): SlackAddress {
  return {
    team: replyTo.team ?? '',
    channel: replyTo.channel ?? '',
    thread: replyTo.thread ?? '',
    user: replyTo.user ?? '',
    surface: replyTo.surface === 'dm' ? 'dm' : 'channel',
  };
}
