import type { ConversationKey } from './conversation.js';

/** A file a user attached, already downloaded and checked by the adapter. */
export interface InboundFile {
  name: string;
  mimeType: string;
  bytes: Uint8Array;
}

/**
 * Where a message was written, in platform-neutral terms: what chooses its assistant profile
 * (`selectProfile` in config/profiles).
 */
export interface MessagePlace {
  /** `discord`, `slack`, `console`...: the first part of the conversation key. */
  platform: string;
  /** The Discord guild or Slack team; absent in Discord DMs and on the console. */
  space?: string | undefined;
  /** The channel, or the thread where a platform's threads are channels (Discord). */
  channel: string;
  /** The channel a thread was opened from (Discord), whose profile the thread inherits. */
  parentChannel?: string | undefined;
  /** A direct message with the bot. */
  isDirect: boolean;
}

/**
 * One user message, platform-free. `replyTo` is the adapter's own serialisable address for the
 * answer (channel, thread, interaction...): the orchestrator hands it back untouched to the adapter's
 * renderer, so a queued message can be answered by whichever process runs it.
 */
export interface InboundMessage {
  /** Platform message id; unique within the conversation. */
  id: string;
  key: ConversationKey;
  userId: string;
  text: string;
  files: readonly InboundFile[];
  replyTo: Readonly<Record<string, string>>;
  receivedAt: number;
  /**
   * When the platform says the message was written (ms since the epoch: Slack's `ts`, a Discord
   * snowflake's time). A conversation's messages are answered in this order, then `receivedAt`'s,
   * whichever instance received them.
   */
  sentAt?: number;
  /** Where it was written; without it, the message gets the default profile. */
  where?: MessagePlace;
}
