/** Who a platform call is for: the person whose answer it shows, and the channel it goes to. */
export interface ShareKey {
  user?: string;
  channel?: string;
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

  /** For each waiting caller's share, whether its user, and its channel, are over their fair share now. */
  overShare(shares: readonly (ShareKey | undefined)[]): { user: boolean; channel: boolean }[] {
    const over = new Set<string>();
    for (const dimension of ['u:', 'c:'] as const) {
      const active = new Set<string>();
      for (const share of shares) {
        for (const key of keysOf(share)) if (key.startsWith(dimension)) active.add(key);
      }
      if (active.size < 2) continue;
      let total = 0;
      const values = new Map<string, number>();
      for (const key of active) {
        const value = this.current(key);
        values.set(key, value);
        total += value;
      }
      for (const [key, value] of values) {
        const others = (total - value) / (active.size - 1);
        if (value > 2 * others + 2) over.add(key);
      }
    }
    return shares.map((share) => ({
      user: share?.user !== undefined && over.has(`u:${share.user}`),
      channel: share?.channel !== undefined && over.has(`c:${share.channel}`),
    }));
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
