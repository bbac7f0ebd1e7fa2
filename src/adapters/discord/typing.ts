/** Discord shows "is typing…" for 10 s after a typing call: refresh it a little before that. */
export const DEFAULT_TYPING_REFRESH_MS = 8000;

/**
 * Keeps a channel's typing indicator on while a run works and shows no text yet. Typing is a courtesy:
 * a failed call is ignored, and once stopped nothing more is sent (a call still waiting for its turn
 * in the budget is called off through `signal`). It may be started again (a tool runs after text).
 */
export class TypingIndicator {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private controller = new AbortController();
  /** The call under way, if any: `stop` waits for it, so no typing lands after the answer. */
  private pending: Promise<void> = Promise.resolve();

  constructor(
    /** Waits for its turn in the rate budget (called off by `signal`), then sends if `stillWanted()`. */
    private readonly send: (stillWanted: () => boolean, signal: AbortSignal) => Promise<void>,
    private readonly refreshMs: number = DEFAULT_TYPING_REFRESH_MS,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.controller = new AbortController();
    void this.fire();
    this.timer = setInterval(() => void this.fire(), this.refreshMs);
    this.timer.unref();
  }

  /** Stops refreshing; resolves once a call already on its way has landed. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.controller.abort();
    await this.pending;
  }

  private fire(): Promise<void> {
    if (this.stopped) return this.pending;
    const { signal } = this.controller;
    this.pending = this.send(() => !this.stopped && !signal.aborted, signal).catch(() => {
      // A missing indicator is not worth a log line per refresh; posting errors are logged where they matter.
    });
    return this.pending;
  }
}
