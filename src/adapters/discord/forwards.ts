import { type Message, MessageReferenceType, type MessageSnapshot } from 'discord.js';
import type { AttachmentFacts } from './parse.js';

/**
 * Forwarded messages. A forward (`message_reference.type` FORWARD, 1) has empty content and no
 * attachments of its own: what was forwarded lives only in `message_snapshots[].message`, which
 * discord.js shows as `message.messageSnapshots`. Read as a plain message, a forward is empty, so the
 * bot would answer "Ask me something"; read with its snapshots, it is the question.
 */

/** The content and files of one message, or of one snapshot of a forwarded message. */
export interface SnapshotFacts {
  content: string;
  attachments: readonly AttachmentFacts[];
}

/** The messages a forward carries, as discord.js reads its snapshots (none for any other message). */
export function forwardedMessages(message: Message): MessageSnapshot[] {
  if (message.reference?.type !== MessageReferenceType.Forward) return [];
  return [...message.messageSnapshots.values()];
}

/** Introduces forwarded text, so the assistant knows the words are someone else's, passed on. */
export const FORWARD_HEADING = 'Forwarded message:';

/**
 * A message's own content and attachments with those of the messages it forwards: the forwarded text
 * follows the message's own (empty on a forward, but taken if Discord ever sends some), each under
 * `FORWARD_HEADING`, and the forwarded files follow its own files.
 */
export function withForwarded(
  own: SnapshotFacts,
  snapshots: readonly SnapshotFacts[],
): { content: string; attachments: AttachmentFacts[] } {
  const parts = [own.content.trim()];
  for (const snapshot of snapshots) {
    const text = snapshot.content.trim();
    if (text !== '') parts.push(`${FORWARD_HEADING}\n${text}`);
    else if (snapshot.attachments.length > 0) parts.push(`${FORWARD_HEADING} (files only)`);
  }
  return {
    content: parts.filter((part) => part !== '').join('\n\n'),
    attachments: [...own.attachments, ...snapshots.flatMap((s) => s.attachments)],
  };
}
