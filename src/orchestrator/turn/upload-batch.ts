import type { RunMessage } from '../../backends/backend.js';
import { classifyAttachment } from '../../core/attachments.js';
import { AttachmentError } from '../../core/errors.js';
import type { InboundMessage } from '../../core/messages.js';
import type { ReplyEvent } from '../../core/reply-events.js';
import type { TurnDeps } from './turn-deps.js';

/** Uploads every attachment of the batch; a refused file becomes a notice, not a failed turn. */
export async function uploadBatch(
  deps: TurnDeps,
  batch: readonly InboundMessage[],
  emit: (event: ReplyEvent) => void,
): Promise<RunMessage[]> {
  const messages: RunMessage[] = [];
  for (const message of batch) {
    const files = [];
    for (const file of message.files) {
      try {
        const use = classifyAttachment(file, deps.run.maxAttachmentBytes);
        files.push(await deps.backend.uploadFile(file, use));
      } catch (error) {
        if (!(error instanceof AttachmentError)) throw error;
        emit({ type: 'notice', text: `Attachment skipped: ${error.message}` });
      }
    }
    messages.push({ text: message.text, files });
  }
  return messages;
}
