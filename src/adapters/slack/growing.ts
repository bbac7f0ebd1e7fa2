import type { RateBudget } from '../kit/rate-budget.js';

/**
 * How far ahead a workspace's Tier 3 budget is promised, in update intervals (SLACK_UPDATE_INTERVAL_MS):
 * at most as many answers show a growing text in a message at once (each needs Tier 3 updates until
 * its final text) as Tier 3 serves in this time, so that their final texts never queue long behind
 * each other. At Slack's figures (Tier 3 at 45 a minute, updates every 1.5 s): three answers.
 */
export const GROWING_WINDOW_INTERVALS = 3;

/**
 * The answers of a workspace that show a text still growing in a message (updated by chat.update,
 * Tier 3): one place holds one at a time, from its first growing text until its final text or the
 * end of its run. While all are held, further answers show their text whole (chat.postMessage once
 * complete), and a native stream needs no hold (Tier 2 and 4).
 */
export class GrowingTexts {
  private held = 0;

  constructor(
    private readonly tier3: RateBudget,
    private readonly intervalMs: number,
  ) {}

  /** How many may be held at once: what Tier 3 serves in GROWING_WINDOW_INTERVALS (at least one). */
  get limit(): number {
    const windowS = (GROWING_WINDOW_INTERVALS * this.intervalMs) / 1000;
    return Math.max(1, Math.floor(this.tier3.perSecond * windowS));
  }

  /** True when none is free. */
  get full(): boolean {
    return this.held >= this.limit;
  }

  /** One place's hold: taken once, given back once. */
  holder(): { take(): boolean; holds(): boolean; release(): void } {
    let holds = false;
    return {
      take: () => {
        if (holds) return true;
        if (this.full) return false;
        holds = true;
        this.held += 1;
        return true;
      },
      holds: () => holds,
      release: () => {
        if (!holds) return;
        holds = false;
        this.held -= 1;
      },
    };
  }
}
