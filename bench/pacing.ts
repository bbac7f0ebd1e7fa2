import { median, percentile } from './stats.js';

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
  /** From the model's last token of an answer to its final text visible on the platform, in seconds. */
  finalLagS: { p50: number; p95: number };
  /**
   * The fewest calls an answer could take (median): its thread (Discord), one post per message the
   * text needs, and one final edit; `callsPerAnswer / floorCalls` is how close the pacing came.
   */
  floorCalls: number;
  /** Wall time of the whole scenario, in seconds. */
  wallS: number;
  /** Slack only: the budgets and intervals were run this many times faster; figures are scaled back. */
  timeScale?: number;
}

/** One answer as the platform saw it. */
export interface AnswerTrace {
  firstTextAt: number;
  lastTextAt: number;
  calls: number;
  complete: boolean;
  /** The model's last token of this answer (NaN when unknown). */
  modelEndAt: number;
  /** The fewest calls this answer could take (see PacingFigures.floorCalls). */
  floor: number;
}

/** One message: how often it was edited (or appended to) over how long. */
export interface MessageTrace {
  edits: number;
  spanMs: number;
}

/** The most calls within any one second. */
export function busiestSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= 1000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** The figures of scenario 3 from what the fake platform recorded; `scale` converts back to real time. */
export function pacingFigures(input: {
  answers: readonly AnswerTrace[];
  messages: readonly MessageTrace[];
  callTimes: readonly number[];
  rateLimited: number;
  conversations: number;
  words: number;
  wallMs: number;
  scale?: number;
}): PacingFigures {
  const k = input.scale ?? 1;
  const times = [...input.callTimes].sort((a, b) => a - b);
  const spanS = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
  const edited = input.messages.filter((m) => m.edits > 0 && m.spanMs > 0);
  const firstToLast = input.answers.map((a) => ((a.lastTextAt - a.firstTextAt) / 1000) * k);
  const finalLag = input.answers
    .map((a) => ((a.lastTextAt - a.modelEndAt) / 1000) * k)
    .filter((v) => Number.isFinite(v));
  return {
    conversations: input.conversations,
    wordsPerAnswer: input.words,
    complete: input.answers.filter((a) => a.complete).length,
    rateLimited: input.rateLimited,
    callsPerAnswer: median(input.answers.map((a) => a.calls)),
    editsPerMessagePerSecond:
      edited.length === 0 ? 0 : median(edited.map((m) => m.edits / (m.spanMs / 1000))) / k,
    callsPerSecondPeak: busiestSecond(times.map((t) => (t - (times[0] ?? 0)) * k)),
    callsPerSecondMean: spanS > 0 ? times.length / spanS / k : 0,
    firstToLastS: { p50: median(firstToLast), p95: percentile(firstToLast, 95) },
    finalLagS: { p50: median(finalLag), p95: percentile(finalLag, 95) },
    floorCalls: median(input.answers.map((a) => a.floor)),
    wallS: (input.wallMs / 1000) * k,
    ...(k !== 1 && { timeScale: k }),
  };
}
