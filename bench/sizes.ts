/** How big each scenario is: `full` for the published figures, `smoke` for CI (seconds, no thresholds). */
export interface BenchSizes {
  name: 'full' | 'smoke';
  /** 1: turns per adapter and backend (conversations x turns each). */
  latency: { conversations: number; turnsEach: number };
  /** 2: measured answers per kind (after one turn that creates the conversation). */
  requestsRepeats: number;
  /** 3: concurrent conversations per platform, and words per answer. */
  pacing: { conversations: number; words: number; slackTimeScale: number };
  /** 3b: long answers holding Slack's Tier 2, new answers measured, how far apart, how long each streams. */
  busy: { holding: number; count: number; spacingMs: number; answerMs: number };
  /** 3c: messages one user floods a channel with, within how long; how long each answer streams. */
  flood: { messages: number; floodMs: number; answerMs: number };
  /** 4: the concurrency levels, tokens per answer and tokens per second. */
  scale: { levels: number[]; tokens: number; tokensPerSecond: number };
  /** 5: baseline turns (seed loop, 1 s polls) and how many run at once. */
  baseline: { turns: number; concurrency: number };
  /** 6: starts of the real process. */
  startups: number;
}

export const SIZES: Record<BenchSizes['name'], BenchSizes> = {
  full: {
    name: 'full',
    latency: { conversations: 40, turnsEach: 5 },
    requestsRepeats: 5,
    pacing: { conversations: 200, words: 2000, slackTimeScale: 5 },
    busy: { holding: 3, count: 20, spacingMs: 3000, answerMs: 2000 },
    flood: { messages: 150, floodMs: 5000, answerMs: 2000 },
    scale: { levels: [10, 100, 1000], tokens: 400, tokensPerSecond: 50 },
    baseline: { turns: 200, concurrency: 20 },
    startups: 5,
  },
  smoke: {
    name: 'smoke',
    latency: { conversations: 2, turnsEach: 2 },
    requestsRepeats: 1,
    pacing: { conversations: 3, words: 60, slackTimeScale: 20 },
    busy: { holding: 1, count: 2, spacingMs: 200, answerMs: 300 },
    flood: { messages: 6, floodMs: 300, answerMs: 300 },
    scale: { levels: [2, 4], tokens: 20, tokensPerSecond: 200 },
    baseline: { turns: 2, concurrency: 2 },
    startups: 1,
  },
};

export function sizesFrom(name: string | undefined): BenchSizes {
  if (name === undefined || name === '' || name === 'full') return SIZES.full;
  if (name === 'smoke') return SIZES.smoke;
  throw new Error(`BENCH_SIZE must be full or smoke, not ${name}`);
}
