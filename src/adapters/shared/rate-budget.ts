/** How fast calls to one platform may go, across every answer streaming at once. */
export interface RateBudgetOptions {
  /** Sustained calls per second. */
  perSecond: number;
  /** Calls that may go at once after a quiet spell. */
  burst: number;
}

/**
 * A token bucket shared by everything that calls one platform API (or one method of it), with a
 * first-come-first-served queue: when many answers stream at once, each waits its turn, so their
 * edit intervals stretch instead of the platform answering 429. A 429 that gets through anyway
 * pauses the whole bucket for the time the platform asked.
 */
export class RateBudget {
  private tokens: number;
  private updatedAt: number;
  private pausedUntil = 0;
  private readonly waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: RateBudgetOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = options.burst;
    this.updatedAt = now();
  }

  /** Resolves when this caller may make one call. */
  acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.drain();
    });
  }

  /** The platform said "slow down": nobody calls for `ms`. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.tokens = Math.min(this.tokens, 0);
    this.reschedule();
  }

  /** Callers waiting for a turn (a measure of contention). */
  get waiting(): number {
    return this.waiters.length;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - Math.max(this.updatedAt, this.pausedUntil));
    this.tokens = Math.min(this.options.burst, this.tokens + (elapsed * this.options.perSecond) / 1000);
    this.updatedAt = now;
  }

  private drain(): void {
    this.refill();
    while (this.waiters.length > 0 && this.tokens >= 1 && this.now() >= this.pausedUntil) {
      this.tokens -= 1;
      this.waiters.shift()?.();
    }
    this.reschedule();
  }

  private reschedule(): void {
    if (this.timer || this.waiters.length === 0) return;
    const untilToken = ((1 - this.tokens) * 1000) / this.options.perSecond;
    const delay = Math.max(untilToken, this.pausedUntil - this.now(), 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, Math.ceil(delay));
  }
}
