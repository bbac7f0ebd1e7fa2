/** Retry pacing: `conversation_locked`, and resuming a dropped stream. */
export interface ResponsesRetryOptions {
  initialMs: number;
  maxMs: number;
  /** How often a dropped stream is resumed before the response is polled instead. */
  resumeAttempts: number;
  /** How often a request refused with `conversation_locked` is retried. */
  lockedAttempts: number;
}

export const DEFAULT_RESPONSES_RETRY = {
  initialMs: 250,
  maxMs: 2000,
  resumeAttempts: 3,
  lockedAttempts: 8,
} as const satisfies ResponsesRetryOptions;

/** The pause before retry `attempt` (from 0): doubling from `initialMs`, at most `maxMs`. */
export const delayFor = (retry: ResponsesRetryOptions, attempt: number) =>
  Math.min(retry.maxMs, retry.initialMs * 2 ** attempt);
