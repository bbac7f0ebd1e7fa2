/** Poll pacing when streaming is unavailable or broke: from 250 ms, doubling, up to 2 s. */
export const DEFAULT_POLLING = {
  initialMs: 250,
  maxMs: 2000,
  stepPageSize: 100,
} as const satisfies PollingOptions;
/** After a cancel, how long to wait for the service to confirm before ending anyway. */
export const DEFAULT_CANCEL_GRACE_MS = 5000;

export interface PollingOptions {
  initialMs: number;
  maxMs: number;
  /** Run steps fetched per page (the API allows 1 to 100). */
  stepPageSize: number;
}
