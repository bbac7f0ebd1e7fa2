import type { CallPriority } from './chat-surface.js';
import { LANES } from './rate-budget.js';

/** One update on its way: its lane, and whether its turn in the budget has come yet. */
interface Batch {
  priority: CallPriority;
  waiters: Waiter[];
  controller: AbortController;
  granted: boolean;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** Why a waiting update was called off: a more urgent one carries its state instead. */
class Raised extends Error {}

/**
 * The updates of one message (a Slack working line that also shows the answer's text): one call at a
 * time, and every request made meanwhile merged into the next call, which renders the message's state
 * when its turn comes (so updates are coalesced, never queued one behind another). A request more
 * urgent than the call still waiting for its turn takes its place in the more urgent lane.
 */
export class LatestCall {
  private current: Batch | undefined;
  private next: Batch | undefined;

  constructor(
    /** Makes the call in `priority`'s lane; calls `granted()` once its turn came (before sending). */
    private readonly send: (
      priority: CallPriority,
      signal: AbortSignal,
      granted: () => void,
    ) => Promise<void>,
  ) {}

  /** Resolves once a call made after this request has landed (`signal`: called off while waiting). */
  request(priority: CallPriority, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, ...(signal && { signal }) };
      if (signal) {
        waiter.onAbort = () => this.drop(waiter, signal.reason);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.next ??= { priority, waiters: [], controller: new AbortController(), granted: false };
      if (rank(priority) < rank(this.next.priority)) this.next.priority = priority;
      this.next.waiters.push(waiter);
      const waiting = this.current;
      if (waiting && !waiting.granted && rank(this.next.priority) < rank(waiting.priority)) {
        waiting.controller.abort(new Raised());
      }
      this.pump();
    });
  }

  /** A waiter called off: out of its batch; a batch nobody waits for any more is not sent. */
  private drop(waiter: Waiter, reason: unknown): void {
    for (const batch of [this.next, this.current]) {
      const index = batch?.waiters.indexOf(waiter) ?? -1;
      if (!batch || index === -1 || batch.granted) continue;
      batch.waiters.splice(index, 1);
      waiter.reject(reason);
      if (batch.waiters.length > 0) return;
      if (batch === this.next) this.next = undefined;
      else batch.controller.abort(reason);
      return;
    }
  }

  private pump(): void {
    if (this.current || !this.next) return;
    const batch = this.next;
    this.next = undefined;
    this.current = batch;
    this.send(batch.priority, batch.controller.signal, () => {
      batch.granted = true;
    }).then(
      () => this.settle(batch, (w) => w.resolve()),
      (error: unknown) => {
        if (error instanceof Raised) {
          // Called off for a more urgent call: its waiters go with that one.
          this.current = undefined;
          if (this.next) this.next.waiters.unshift(...batch.waiters);
          else this.next = { ...batch, controller: new AbortController() };
          this.pump();
          return;
        }
        this.settle(batch, (w) => w.reject(error));
      },
    );
  }

  private settle(batch: Batch, how: (waiter: Waiter) => void): void {
    this.current = undefined;
    for (const waiter of batch.waiters) {
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      how(waiter);
    }
    this.pump();
  }
}

const rank = (priority: CallPriority) => LANES.indexOf(priority);
