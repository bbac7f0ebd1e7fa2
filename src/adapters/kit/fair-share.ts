/** Who a platform call is for: the person whose answer it shows, and the channel it goes to. */
export interface ShareKey {
  user?: string;
  channel?: string;
}

type Dimension = 'u:' | 'c:';
const DIMENSIONS: readonly Dimension[] = ['u:', 'c:'];

/** The waiting callers' standing (see `FairShare.summarise`). */
export interface ShareSummary {
  /** Users (`u:`) and channels (`c:`) over their fair share. */
  over: Set<string>;
  /** Every user and channel waiting. */
  active: Set<string>;
  /** Per dimension: their recent calls in all, and how many they are. */
  totals: Record<Dimension, { total: number; size: number }>;
}

interface Usage {
  value: number;
  at: number;
}

/**
 * How much of one budget each user and each channel took lately (a count of calls that halves every
 * `halfLifeMs`), so that the budget can serve first whoever took less. Among the users (channels)
 * waiting at once, one whose recent calls are more than twice the others' average, plus two, is over
 * its share: a flood stands out, the ordinary unevenness of answers streaming side by side does not.
 * With one user waiting, nobody is over: a single person's answers keep strict lanes.
 */
export class FairShare {
  private readonly usage = new Map<string, Usage>();

  constructor(
    private readonly halfLifeMs: number,
    private readonly now: () => number,
  ) {}

  /** One call was granted to `share`. */
  used(share: ShareKey | undefined): void {
    for (const key of keysOf(share)) {
      const value = this.current(key) + 1;
      this.usage.set(key, { value, at: this.now() });
    }
    // Bounded: keys that went quiet are near zero and forgetting them changes nothing.
    if (this.usage.size > 2000) this.forgetQuiet();
  }

  /** Who among the waiting `shares` is over their fair share, and what that was measured against. */
  summarise(shares: readonly (ShareKey | undefined)[]): ShareSummary {
    const over = new Set<string>();
    const active = new Set<string>();
    const totals = { 'u:': { total: 0, size: 0 }, 'c:': { total: 0, size: 0 } };
    for (const share of shares) for (const key of keysOf(share)) active.add(key);
    for (const dimension of DIMENSIONS) {
      const values = new Map<string, number>();
      let total = 0;
      for (const key of active) {
        if (!key.startsWith(dimension)) continue;
        const value = this.current(key);
        values.set(key, value);
        total += value;
      }
      totals[dimension] = { total, size: values.size };
      if (values.size < 2) continue;
      for (const [key, value] of values) {
        const others = (total - value) / (values.size - 1);
        if (value > 2 * others + 2) over.add(key);
      }
    }
    return { over, active, totals };
  }

  /**
   * Whether a caller's user and channel would be over their fair share if it joined those waiting
   * (`summary`): its own standing, without working the others' out again.
   */
  joining(summary: ShareSummary, share: ShareKey | undefined): { user: boolean; channel: boolean } {
    const standing = (key: string | undefined, dimension: Dimension) => {
      if (key === undefined) return false;
      if (summary.active.has(key)) return summary.over.has(key);
      const { total, size } = summary.totals[dimension];
      return size >= 1 && this.current(key) > 2 * (total / size) + 2;
    };
    return {
      user: standing(share?.user === undefined ? undefined : `u:${share.user}`, 'u:'),
      channel: standing(share?.channel === undefined ? undefined : `c:${share.channel}`, 'c:'),
    };
  }

  private current(key: string): number {
    const usage = this.usage.get(key);
    if (!usage) return 0;
    return usage.value * 0.5 ** ((this.now() - usage.at) / this.halfLifeMs);
  }

  private forgetQuiet(): void {
    for (const key of [...this.usage.keys()]) if (this.current(key) < 0.01) this.usage.delete(key);
  }
}

function keysOf(share: ShareKey | undefined): string[] {
  if (!share) return [];
  const keys: string[] = [];
  if (share.user) keys.push(`u:${share.user}`);
  if (share.channel) keys.push(`c:${share.channel}`);
  return keys;
}
