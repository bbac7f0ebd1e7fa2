import { DefaultRestOptions, type RESTOptions } from 'discord.js';

type MakeRequest = RESTOptions['makeRequest'];

/** Requests Discord counts against the bot's global limit in any one second (it allows 50): a margin for the way there. */
export const DISCORD_WIRE_PER_SECOND = 45;

/**
 * At most `limit` turns in any `windowMs` (a sliding window), given in the order they were asked for;
 * a turn is free at once whenever the window has room, however recent the last one was.
 */
export class SlidingWindow {
  /** When the turns of the last window were given, oldest first. */
  private readonly given: number[] = [];
  private readonly waiting: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when the caller may go. */
  turn(): Promise<void> {
    if (this.waiting.length === 0 && this.hasRoom()) {
      this.given.push(this.now());
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.release();
    });
  }

  private hasRoom(): boolean {
    const since = this.now() - this.windowMs;
    while (this.given.length > 0 && (this.given[0] ?? 0) <= since) this.given.shift();
    return this.given.length < this.limit;
  }

  private release(): void {
    while (this.waiting.length > 0 && this.hasRoom()) {
      this.given.push(this.now());
      this.waiting.shift()?.();
    }
    if (this.waiting.length === 0 || this.timer) return;
    // Until the oldest turn leaves the window (a millisecond more: timers may fire a little early).
    const wait = (this.given[0] ?? this.now()) + this.windowMs - this.now() + 1;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.release();
      },
      Math.max(1, wait),
    );
  }
}

/**
 * discord.js's `makeRequest`, paced as requests leave for Discord: at most `perSecond` in any 1,000 ms,
 * in the order they come. The adapter's rate budget decides which call goes first and spreads them,
 * but discord.js then queues each route's calls behind the one in flight and releases them together,
 * so calls granted apart can reach Discord bunched, past its global limit (and a 429 pauses every call
 * of the bot). Interaction callbacks and their webhooks are not counted by Discord and never wait.
 *
 * Our own window rather than p-throttle: its strict mode, once it has seen `limit` calls, spaces
 * every call at least 1000 / `limit` ms after the one before, even at a few calls a second, which
 * cost an answer's first post on a quiet server 20 ms and more (measured: 11 → 33 ms p50); its
 * windowed mode lets twice the limit through across a window's edge.
 */
export function pacedMakeRequest(
  perSecond: number = DISCORD_WIRE_PER_SECOND,
  send: MakeRequest = (url, init) => DefaultRestOptions.makeRequest(url, init),
): MakeRequest {
  const window = new SlidingWindow(perSecond, 1000);
  return async (url, init) => {
    if (!exemptFromGlobalLimit(url)) await window.turn();
    return send(url, init);
  };
}

function exemptFromGlobalLimit(url: string): boolean {
  const path = new URL(url).pathname;
  return /\/(?:interactions|webhooks)\//.test(path);
}
