import type { Backend } from '../../backends/backend.js';
import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { Store } from '../../store/types.js';

/** Forgets the conversation's assistant thread here and at the service (a reset). */
export async function discardThread(
  deps: { store: Store; backend: Backend; logger: Logger },
  key: ConversationKey,
): Promise<void> {
  const record = await deps.store.threads.get(key);
  if (!record) return;
  await deps.store.threads.delete(key);
  // A thread of the other backend (before a configuration change) cannot be deleted from here.
  if (record.backend !== deps.backend.name) return;
  await deps.backend.deleteThread(record.threadId).catch((err: unknown) => {
    deps.logger.warn({ err, conversation: key }, 'could not delete the old assistant thread');
  });
}
