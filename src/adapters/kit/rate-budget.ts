import type { CallPriority } from './chat-surface.js';

/** How fast calls to one platform may go, across every answer streaming at once. */
export interface RateBudgetOptions {
  /** Sustained calls per second. */
  perSecond: number;
  /** Calls that may go at once after a quiet spell. */
  burst: number;
}

/** The lanes of a budget's queue, served in this order. */
const LANES: readonly CallPriority[] = ['final', 'first', 'update'];

/**
 * A token bucket shared by everything that calls one platform API (or one method of it), with a
 * queue in three lanes: a final text goes before the first text of a new answer, and both before
 * intermediate updates; within a lane, first come first served. When many answers stream at once,
 * each waits its turn, so their edit intervals stretch instead of the platform answering 429. A 429
 * that gets through anyway pauses the whole bucket for the time the platform asked.
 */
export class RateBudget {
  private tokens: number;
  private updatedAt: number;
  private pausedUntil = 0;
  private readonly lanes: Record<CallPriority, (() => void)[]> = { final: [], first: [], update: [] };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: RateBudgetOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = options.burst;
    this.updatedAt = now();
  }

  /** Resolves when this caller may make one call; `priority` chooses its lane (default: an update). */
  acquire(priority: CallPriority = 'update'): Promise<void> {
    return new Promise((resolve) => {
      this.lanes[priority].push(resolve);
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
    return this.lanes.final.length + this.lanes.first.length + this.lanes.update.length;
  }

  /** The next caller to serve: the first of the most urgent lane that has one. */
  private next(): (() => void) | undefined {
    for (const lane of LANES) {
      const waiter = this.lanes[lane].shift();
      if (waiter) return waiter;
    }
    return undefined;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - Math.max(this.updatedAt, this.pausedUntil));
    this.tokens = Math.min(this.options.burst, this.tokens + (elapsed * this.options.perSecond) / 1000);
    this.updatedAt = now;
  }

  private drain(): void {
    this.refill();
    while (this.waiting > 0 && this.tokens >= 1 && this.now() >= this.pausedUntil) {
      this.tokens -= 1;
      this.next()?.();
    }
    this.reschedule();
  }

  private reschedule(): void {
    if (this.timer || this.waiting === 0) return;
    const untilToken = ((1 - this.tokens) * 1000) / this.options.perSecond;
    const delay = Math.max(untilToken, this.pausedUntil - this.now(), 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, Math.ceil(delay));
  }
}
