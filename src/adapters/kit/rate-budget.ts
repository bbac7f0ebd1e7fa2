import type { CallPriority } from './chat-surface.js';
import { FairShare, type ShareKey, type ShareSummary } from './fair-share.js';

/** How fast calls to one platform may go, across every answer streaming at once. */
export interface RateBudgetOptions {
  /** Sustained calls per second. */
  perSecond: number;
  /** Calls that may go at once after a quiet spell. */
  burst: number;
}

/** What the budget tells whoever watches it (metrics): a caller had to wait for its turn. */
export interface BudgetWatcher {
  /** The budget's name in metrics (`discord`, `tier3`, `post_per_channel`...). */
  readonly name: string;
  waited(lane: CallPriority): void;
}

/** One call's place in the queue. */
export interface AcquireOptions {
  /** Who the call is for: no one user or channel takes the turns others are waiting for. */
  share?: ShareKey;
  /** Aborted before its turn: the caller leaves the queue (the promise rejects with the reason). */
  signal?: AbortSignal;
  /**
   * When the work this call belongs to joined the queue (default: now): a series of calls (a final
   * text in several messages) keeps its place in its lane instead of going to the back each time.
   */
  since?: number;
}

/** The lanes of a budget's queue, most urgent first. */
export const LANES: readonly CallPriority[] = ['final', 'first', 'update', 'background'];

interface Waiter {
  lane: number;
  share: ShareKey | undefined;
  since: number;
  seq: number;
  grant: () => void;
}

/**
 * A token bucket shared by everything that calls one platform API (or one method of it), with a
 * queue in four lanes: a final text goes before the first text of a new answer, both before
 * intermediate updates, and decorations (typing, reactions, tidying up) only when nothing else waits.
 * Within a lane, first come first served (a series of calls keeps the place of its first, `since`).
 * Fair share (see FairShare, `order`): a user who took far more than the others lately waits behind
 * everyone else, and a channel that did waits behind the other channels in its lane. When many answers stream at once, each waits its
 * turn, so their edit intervals stretch instead of the platform answering 429. A 429 that gets
 * through anyway pauses the whole bucket for the time the platform asked.
 */
export class RateBudget {
  private tokens: number;
  private updatedAt: number;
  private pausedUntil = 0;
  private readonly waiters: Waiter[] = [];
  private readonly fair: FairShare;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Bumped whenever the waiters or the usage change: what the queue's view is computed from. */
  private version = 0;
  private view: QueueView | undefined;

  constructor(
    private readonly options: RateBudgetOptions,
    private readonly now: () => number = Date.now,
    private readonly watcher?: BudgetWatcher,
  ) {
    this.tokens = options.burst;
    this.updatedAt = now();
    // Usage is remembered for about ten calls' time.
    this.fair = new FairShare((10 * 1000) / options.perSecond, now);
  }

  /** Resolves when this caller may make one call; `priority` chooses its lane (default: an update). */
  acquire(priority: CallPriority = 'update', options: AcquireOptions = {}): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const lane = LANES.indexOf(priority);
    if (this.waiters.length === 0 && this.take()) {
      this.used(options.share);
      return Promise.resolve();
    }
    this.watcher?.waited(priority);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index === -1) return;
        this.waiters.splice(index, 1);
        this.version += 1;
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        lane,
        share: options.share,
        since: options.since ?? this.now(),
        seq: this.seq++,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.version += 1;
      this.drain();
    });
  }

  /**
   * Takes a turn only if one is free at once and nobody in this lane or a more urgent one waits
   * (never queues); `reserve` turns are left for calls already promised (a stream's stop).
   */
  tryAcquire(
    priority: CallPriority = 'update',
    options: { reserve?: number; share?: ShareKey } = {},
  ): boolean {
    const lane = LANES.indexOf(priority);
    if (this.waiters.some((w) => w.lane <= lane)) return false;
    this.refill();
    if (this.now() < this.pausedUntil || this.tokens < 1 + (options.reserve ?? 0)) return false;
    this.tokens -= 1;
    this.used(options.share);
    return true;
  }

  /**
   * About how long a call in this lane would wait if it asked now (0: it would go at once): the
   * callers that would be served before it (for `share`, taking fair share into account) at the
   * budget's rate, and any pause. What render planning reads.
   */
  waitMs(priority: CallPriority = 'update', share?: ShareKey): number {
    this.refill();
    const view = this.queueView();
    const mine = rankCode(LANES.indexOf(priority), this.fair.joining(view.shares, share));
    let ahead = 0;
    for (let code = 0; code <= mine; code++) ahead += view.waitingByRank[code] ?? 0;
    const paused = Math.max(0, this.pausedUntil - this.now());
    const short = ahead + 1 - this.tokens;
    return Math.max(paused, short <= 0 ? 0 : (short * 1000) / this.options.perSecond);
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

  /** The sustained rate, calls per second. */
  get perSecond(): number {
    return this.options.perSecond;
  }

  /** A token now, if there is one. */
  private take(): boolean {
    this.refill();
    if (this.now() < this.pausedUntil || this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /**
   * The next caller: the most urgent lane first, but callers over their fair share after the rest
   * (except that decorations in the background lane always come last).
   */
  private next(): Waiter | undefined {
    const { ranks } = this.queueView();
    let best = -1;
    for (let index = 0; index < this.waiters.length; index++) {
      if (best === -1 || before(this.waiters[index], ranks[index], this.waiters[best], ranks[best]))
        best = index;
    }
    if (best === -1) return undefined;
    const [waiter] = this.waiters.splice(best, 1);
    this.version += 1;
    return waiter;
  }

  /** One call was granted to `share`: the fair share counts it, and the queue's view is out of date. */
  private used(share: ShareKey | undefined): void {
    this.fair.used(share);
    this.version += 1;
  }

  /**
   * Where each waiter stands (its rank, see `rankCode`) and how many wait at each rank: computed once
   * for many reads. Render planning asks `waitMs` at every flush of every answer streaming, so with
   * hundreds of calls waiting, working it out each time (fair share over every waiter) took a quarter
   * of the process's CPU and held its event loop for hundreds of ms. It is recomputed when a caller
   * comes or goes or a call is granted, and at least every VIEW_MAX_AGE_MS (usage decays with time).
   */
  private queueView(): QueueView {
    const now = this.now();
    const view = this.view;
    if (view && view.version === this.version && now - view.at < VIEW_MAX_AGE_MS) return view;
    const shares = this.fair.summarise(this.waiters.map((w) => w.share));
    const waitingByRank: number[] = [];
    const ranks = this.waiters.map((waiter) => {
      const rank = rankCode(waiter.lane, {
        user: waiter.share?.user !== undefined && shares.over.has(`u:${waiter.share.user}`),
        channel: waiter.share?.channel !== undefined && shares.over.has(`c:${waiter.share.channel}`),
      });
      waitingByRank[rank] = (waitingByRank[rank] ?? 0) + 1;
      return rank;
    });
    this.view = { version: this.version, at: now, ranks, shares, waitingByRank };
    return this.view;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - Math.max(this.updatedAt, this.pausedUntil));
    this.tokens = Math.min(this.options.burst, this.tokens + (elapsed * this.options.perSecond) / 1000);
    this.updatedAt = now;
  }

  private drain(): void {
    while (this.waiters.length > 0 && this.take()) {
      const waiter = this.next();
      if (!waiter) break;
      this.used(waiter.share);
      waiter.grant();
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

/** How long a computed view of the queue may be used while nothing changes (fair share decays with time). */
const VIEW_MAX_AGE_MS = 50;

/** The queue as render planning and the next grant read it (see `RateBudget.queueView`). */
interface QueueView {
  version: number;
  at: number;
  /** Each waiter's rank, by index. */
  ranks: number[];
  /** The waiters' standing in the fair share. */
  shares: ShareSummary;
  /** How many wait at each rank. */
  waitingByRank: number[];
}

/**
 * Where a caller's lane and fair share put it, as one number (lower goes first): background last; a
 * user over their share (a flood) after everyone else, whatever the lanes; then by lane; within a
 * lane, a channel over its share after the other channels.
 */
function rankCode(lane: number, over: { user: boolean; channel: boolean } | undefined): number {
  const background = LANES[lane] === 'background' ? 1 : 0;
  return background * 16 + (over?.user ? 8 : 0) + lane * 2 + (over?.channel ? 1 : 0);
}

/** Whether waiter `a` (of rank `rankA`) goes before `b`: by rank, then first come first served in its lane. */
function before(
  a: Waiter | undefined,
  rankA: number | undefined,
  b: Waiter | undefined,
  rankB: number | undefined,
): boolean {
  if (!a || rankA === undefined) return false;
  if (!b || rankB === undefined) return true;
  if (rankA !== rankB) return rankA < rankB;
  if (a.since !== b.since) return a.since < b.since;
  return a.seq < b.seq;
}
