import type { ReplyEvent, RunEnding } from '../../core/reply-events.js';

const INCOMPLETE_REASONS: Readonly<Record<string, string>> = {
  max_output_tokens: 'it reached the maximum answer length',
  max_completion_tokens: 'it reached the maximum answer length',
  max_prompt_tokens: 'this conversation has grown too long (start a new one with reset)',
  content_filter: 'the content filter stopped it',
};

const FAILURE_TEXTS: Readonly<Record<string, string>> = {
  rate_limit_exceeded: 'The assistant service is rate-limited right now. Please try again in a minute.',
  server_error: 'The assistant service had an internal error. Please try again.',
  invalid_prompt: 'The assistant service refused this request.',
  invalid_image: 'The assistant service could not read an attached image.',
  vector_store_timeout: 'Searching the documents took too long. Please try again.',
};

/**
 * The short line a user sees for each way a run can end, or undefined when the answer itself says
 * it all. Chosen by code only: the service's own error message may carry internals.
 */
export function endingNotice(ending: RunEnding): string | undefined {
  switch (ending.kind) {
    case 'completed':
      return undefined;
    case 'incomplete':
      return `The answer is incomplete: ${INCOMPLETE_REASONS[ending.reason] ?? `it stopped early (${ending.reason})`}.`;
    case 'failed':
      return FAILURE_TEXTS[ending.code] ?? 'The assistant could not finish this answer. Please try again.';
    case 'expired':
      return 'The answer expired before it could finish (a tool step took too long). Please try again.';
    case 'cancelled':
      return 'Stopped.';
    case 'timeout':
      return 'The answer took too long and was stopped.';
  }
}

/**
 * The `done` event that ends a turn, with its notice. A run we cancelled because it ran out of time is
 * a timeout to the user, not a cancellation.
 */
export function finalEvent(ending: RunEnding, signal: AbortSignal): ReplyEvent {
  const shown: RunEnding =
    ending.kind === 'cancelled' && signal.reason === 'timeout'
      ? { kind: 'timeout' }
      : ending.kind === 'failed'
        ? { kind: 'failed', code: ending.code }
        : ending;
  const notice = endingNotice(shown);
  return notice === undefined ? { type: 'done', ending: shown } : { type: 'done', ending: shown, notice };
}
