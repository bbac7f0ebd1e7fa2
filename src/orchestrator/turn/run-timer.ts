/**
 * A run's deadline that can be held: while a tool call waits for a person's approval the clock
 * stops, so that a slow decision (bounded by its own timeout) does not eat the run's time.
 */
export class RunTimer {
  private timer: NodeJS.Timeout | undefined;
  private remainingMs: number;
  private startedAt = 0;
  private holds = 0;
  private cleared = false;

  constructor(
    private readonly onExpire: () => void,
    timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.remainingMs = timeoutMs;
    this.run();
  }

  /** Stops the clock until the returned release is called (holds nest; a release works once). */
  hold(): () => void {
    if (this.holds++ === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.remainingMs -= this.now() - this.startedAt;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0) this.run();
    };
  }

  /** The run is over: the deadline no longer matters. */
  clear(): void {
    this.cleared = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    if (this.cleared) return;
    this.startedAt = this.now();
    this.timer = setTimeout(this.onExpire, Math.max(0, this.remainingMs));
  }
}
