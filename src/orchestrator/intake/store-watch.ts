/** How often a store that does not answer is looked at again: doubling from the first pause to the longest. */
export const DEFAULT_STORE_WATCH = { firstMs: 100, maxMs: 1_000 } as const satisfies Record<string, number>;

/**
 * Waits for a store that cannot be reached to answer again. However many messages wait, one loop
 * pings the store (after a pause, then with backoff), and it stops when the store answers or nobody
 * waits any more.
 */
export class StoreWatch {
  #back: Promise<boolean> | undefined;
  #waiters = 0;
  #stopped = false;
  readonly #wakeOnStop = new Set<() => void>();

  constructor(
    private readonly ping: () => Promise<boolean>,
    private readonly pause: { firstMs: number; maxMs: number } = DEFAULT_STORE_WATCH,
    private readonly now: () => number = Date.now,
  ) {}

  /** True once the store answers; false if `deadline` (ms since the epoch) comes first, or on stop(). */
  async answersBefore(deadline: number): Promise<boolean> {
    if (this.#stopped || deadline <= this.now()) return false;
    this.#waiters += 1;
    let timer: NodeJS.Timeout | undefined;
    let wake: () => void = () => undefined;
    const givenUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), deadline - this.now());
      wake = () => resolve(false);
      this.#wakeOnStop.add(wake);
    });
    try {
      for (;;) {
        this.#back ??= this.#poll().finally(() => {
          this.#back = undefined;
        });
        const answered = await Promise.race([this.#back, givenUp.then(() => 'given up' as const)]);
        if (answered === 'given up' || this.#stopped) return false;
        // false: the loop ended as every waiter had just left; this one came in time to start another.
        if (answered) return true;
      }
    } finally {
      clearTimeout(timer);
      this.#wakeOnStop.delete(wake);
      this.#waiters -= 1;
    }
  }

  /** Ends every wait now (shutdown): the waiting messages are answered rather than left behind. */
  stop(): void {
    this.#stopped = true;
    for (const wake of this.#wakeOnStop) wake();
  }

  /** True when the store answered; false when nobody waits any more (or on stop). */
  async #poll(): Promise<boolean> {
    let pause = this.pause.firstMs;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      if (this.#waiters === 0 || this.#stopped) return false;
      if (await this.ping().catch(() => false)) return true;
      pause = Math.min(pause * 2, this.pause.maxMs);
    }
  }
}
