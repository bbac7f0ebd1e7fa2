/** Scenario 3 on one platform. */
export interface PacingFigures {
  conversations: number;
  wordsPerAnswer: number;
  /** Every answer's final text was on the platform, whole. */
  complete: number;
  /** 429s the fake platform answered. */
  rateLimited: number;
  /** Platform calls per answer (median). */
  callsPerAnswer: number;
  /** Edits (or stream appends) per message per second while it streamed (median over messages). */
  editsPerMessagePerSecond: number;
  /** All platform calls per second over the busiest second, and on average. */
  callsPerSecondPeak: number;
  callsPerSecondMean: number;
  /** Time from an answer's first text to its last, in seconds (median and p95). */
  firstToLastS: { p50: number; p95: number };
  /** Wall time of the whole scenario, in seconds. */
  wallS: number;
  /** Slack only: the budgets and intervals were run this many times faster; figures are scaled back. */
  timeScale?: number;
}
