import type { RunProfile } from '../../backends/backend.js';
import type { InboundMessage } from '../../core/messages.js';
import { optional } from './optional.js';
import { chooseProfile } from './profile-choice.js';
import type { TurnDeps } from './turn-deps.js';

/** The assistant thread a turn runs on, and the profile it runs with. */
export interface TurnThread {
  threadId: string;
  profile: RunProfile | undefined;
  /**
   * The record's last use being written (a thread already known): not on the way to the model's
   * request, but settled before the turn ends or the record is deleted. Never rejects: a failure is
   * logged (the last use only decides when THREAD_TTL_DAYS forgets the thread).
   */
  touched: Promise<void>;
}

/**
 * The conversation's assistant thread, created on first use (or when the backend changed), and its
 * profile: chosen when the thread is created and kept by name on the thread record.
 */
export async function threadFor(deps: TurnDeps, message: InboundMessage): Promise<TurnThread> {
  // A store away between turns (a file another process holds locked: reads may still go on) holds
  // the turn here, before anything reaches the user, as intake holds a new message.
  const held = <T>(call: () => Promise<T>) =>
    deps.whileStoreAway ? deps.whileStoreAway(message.key, call) : call();
  const record = await held(() => deps.store.threads.get(message.key));
  const now = deps.now();
  if (record && record.backend === deps.backend.name) {
    const profile = chooseProfile(deps, message, record.profile);
    const touched = held(() =>
      deps.store.threads.set(message.key, {
        ...record,
        lastUsedAt: now,
        ...optional('profile', profile?.name),
      }),
    ).catch((err: unknown) => {
      deps.logger.warn({ err, conversation: message.key }, "could not record the thread's last use");
    });
    return { threadId: record.threadId, profile, touched };
  }
  const profile = chooseProfile(deps, message, undefined);
  const threadId = await deps.backend.createThread(message.key);
  await held(() =>
    deps.store.threads.set(message.key, {
      threadId,
      backend: deps.backend.name,
      createdAt: now,
      lastUsedAt: now,
      ...optional('profile', profile?.name),
    }),
  );
  return { threadId, profile, touched: Promise.resolve() };
}
