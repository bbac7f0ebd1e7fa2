import { setTimeout as sleep } from 'node:timers/promises';
import type OpenAI from 'openai';
import { APIError } from 'openai';
import type { MessageCreateParams } from 'openai/resources/beta/threads/messages';
import type { Logger } from '../../core/logger.js';
import type { RunMessage, RunRequest } from '../backend.js';
import { withRequestSignal } from '../shared/request-signal.js';
import { runEnding } from './map-events.js';

/** Text sent when a message carries only files: the API refuses empty content. */
const FILES_ONLY_TEXT = '(see the attached files)';
/** How long to wait for a leftover run (from a crash or an unconfirmed cancel) to end before giving up. */
const LEFTOVER_RUN_WAIT_MS = 10_000;

/** The Assistants API message for one user message: images inline, other files as attachments. */
export function messageParams(message: RunMessage): MessageCreateParams {
  const images = message.files.filter((f) => f.use === 'image');
  const attachments = message.files
    .filter((f) => f.use !== 'image')
    .map((f) => ({ file_id: f.fileId, tools: [{ type: f.use as 'code_interpreter' | 'file_search' }] }));
  const text = message.text.trim().length > 0 ? message.text : FILES_ONLY_TEXT;
  return {
    role: 'user',
    content:
      images.length === 0
        ? text
        : [
            { type: 'text', text },
            ...images.map((f) => ({ type: 'image_file' as const, image_file: { file_id: f.fileId } })),
          ],
    ...(attachments.length > 0 ? { attachments } : {}),
  };
}

/**
 * The turn's messages, in order, as a run's `additional_messages`: the request that starts the run
 * adds them to the thread, one request instead of one more per message before it (on the way to the
 * answer's first text).
 */
export function additionalMessages(request: RunRequest): MessageCreateParams[] {
  return request.messages.map(messageParams);
}

/**
 * Starts the turn's run (`create`). Our own queue never lets two runs overlap, but a run left over from
 * before a crash can still be active on the thread: it is cancelled and waited for, and the run is
 * created again, once.
 */
export async function startClearingLeftover<T>(
  client: OpenAI,
  request: RunRequest,
  logger: Logger,
  create: () => Promise<T>,
): Promise<T> {
  try {
    return await create();
  } catch (error) {
    const leftover = activeRunOf(error);
    if (!leftover) throw error;
    logger.warn(
      { runId: leftover, threadId: request.threadId },
      'a leftover run blocks the thread; cancelling it',
    );
    await cancelAndWait(client, request.threadId, leftover, request.signal);
    return create();
  }
}

function activeRunOf(error: unknown): string | undefined {
  if (!(error instanceof APIError) || error.status !== 400) return undefined;
  // "Thread … already has an active run run_…." (starting a run); "… while a run run_… is active." (adding a message).
  const match = /already has an active run (\S+)|while a run (\S+) is active/.exec(error.message);
  return (match?.[1] ?? match?.[2])?.replace(/\.$/, '');
}

async function cancelAndWait(
  client: OpenAI,
  threadId: string,
  runId: string,
  signal: AbortSignal,
): Promise<void> {
  await client.beta.threads.runs.cancel(runId, { thread_id: threadId }).catch(() => undefined);
  const deadline = Date.now() + LEFTOVER_RUN_WAIT_MS;
  let delay = 250;
  while (Date.now() < deadline) {
    const run = await withRequestSignal(signal, (child) =>
      client.beta.threads.runs.retrieve(runId, { thread_id: threadId }, { signal: child }),
    );
    if (runEnding(run)) return;
    await sleep(delay, undefined, { signal });
    delay = Math.min(2000, delay * 2);
  }
}
