import type { ConversationKey } from './conversation.js';

/** A file a user attached, already downloaded and checked by the adapter. */
export interface InboundFile {
  name: string;
  mimeType: string;
  bytes: Uint8Array;
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
}
