/** Scenario 4 at one concurrency level. */
export interface ScaleLevel {
  conversations: number;
  completed: number;
  /** From the first event sent to the last answer complete. */
  wallS: number;
  eventLoopDelayP99Ms: number;
  peakRssMb: number;
  /** RSS of the bot process before the load. */
  idleRssMb: number;
  /** CPU time the bot process used under the load, in seconds. */
  cpuS: number;
}

export interface ScaleFigures {
  tokensPerAnswer: number;
  tokensPerSecond: number;
  levels: ScaleLevel[];
  /**
   * Growth from the smallest to the largest level, per conversation added: a ratio of 1 is linear,
   * below 1 better than linear (time: wall time ratio / conversations ratio; memory: RSS above idle).
   */
  growth: { conversationsRatio: number; wallRatio: number; rssAboveIdleRatio: number; cpuRatio: number };
}
