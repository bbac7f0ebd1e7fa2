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

/**
 * Does the resets asked for while a turn ran, once, between turns: the thread is discarded (a failure
 * is logged, not thrown: the conversation goes on) and every asker is answered.
 */
export async function settleResets(
  deps: { store: Store; backend: Backend; logger: Logger },
  key: ConversationKey,
  resets: (() => void)[],
): Promise<void> {
  if (resets.length === 0) return;
  const waiting = resets.splice(0);
  await discardThread(deps, key).catch((err: unknown) => {
    deps.logger.error({ err, conversation: key }, 'reset failed');
  });
  for (const resolve of waiting) resolve();
}
