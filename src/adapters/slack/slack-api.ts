import type { webApi } from '@slack/bolt';
import { PlatformError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { CallPriority } from '../kit/chat-surface.js';
import type { ShareKey } from '../kit/fair-share.js';
import { type BudgetWatcher, RateBudget, type RateBudgetOptions } from '../kit/rate-budget.js';

/** The rate-limit groups a Slack method belongs to (Slack's tiers are per method and per workspace). */
export interface SlackRates {
  /** `chat.startStream`, `chat.stopStream`: Tier 2, about 20 a minute. */
  tier2: RateBudgetOptions;
  /** `chat.update`, `chat.delete`, `conversations.replies`: Tier 3, about 50 a minute. */
  tier3: RateBudgetOptions;
  /** `chat.appendStream`, `files.*`, `users.info`, `assistant.threads.set*`: Tier 4, about 100 a minute. */
  tier4: RateBudgetOptions;
  /** `chat.postMessage`: about one a second per channel, with short bursts. */
  postPerChannel: RateBudgetOptions;
  /** Methods with special limits (`assistant.threads.setStatus`, `auth.test`). */
  special: RateBudgetOptions;
}

/**
 * Slack's published limits less a tenth, with a little burst so a fresh answer does not wait. The
 * tenth is headroom: calls released on time here can still arrive bunched up at Slack (connection
 * reuse, network jitter), and a bucket paced at exactly the limit then meets an occasional 429.
 */
export const DEFAULT_SLACK_RATES = {
  tier2: { perSecond: (0.9 * 20) / 60, burst: 3 },
  tier3: { perSecond: (0.9 * 50) / 60, burst: 5 },
  tier4: { perSecond: (0.9 * 100) / 60, burst: 10 },
  postPerChannel: { perSecond: 0.9, burst: 3 },
  special: { perSecond: 5, burst: 10 },
} as const satisfies SlackRates;

const TIERS: Readonly<Record<string, 'tier2' | 'tier3' | 'tier4'>> = {
  'chat.startStream': 'tier2',
  'chat.stopStream': 'tier2',
  'chat.update': 'tier3',
  'chat.delete': 'tier3',
  'conversations.replies': 'tier3',
  'reactions.add': 'tier3',
  'chat.appendStream': 'tier4',
  'chat.postEphemeral': 'tier4',
  'files.getUploadURLExternal': 'tier4',
  'files.completeUploadExternal': 'tier4',
  'files.uploadV2': 'tier4',
  'files.info': 'tier4',
  'users.info': 'tier4',
  'assistant.threads.setTitle': 'tier4',
  'assistant.threads.setSuggestedPrompts': 'tier4',
};

/** How each budget is named in metrics. */
const BUDGET_NAMES: Readonly<Record<keyof SlackRates, string>> = {
  tier2: 'tier2',
  tier3: 'tier3',
  tier4: 'tier4',
  postPerChannel: 'post_per_channel',
  special: 'special',
};

/** A 429 is retried after Slack's Retry-After this many times before the call fails. */
const MAX_ATTEMPTS = 4;

/** A Slack Web API call failed: `slackError` is Slack's error string (`not_in_channel`...). */
export class SlackApiError extends PlatformError {
  readonly method: string;
  readonly slackError: string;

  constructor(
    method: string,
    slackError: string,
    options: { cause?: unknown; status?: number; retryAfterMs?: number } = {},
  ) {
    super('slack', `${method} failed: ${slackError}`, options);
    this.method = method;
    this.slackError = slackError;
  }
}

/** What a call returns: Slack's JSON body (fields vary per method). */
export type SlackResult = Readonly<Record<string, unknown>>;

/** Extra knobs of one call. */
export interface CallOptions {
  /** The call's lane in its method's budget (default: an intermediate update). */
  priority?: CallPriority;
  /** Who the call is for (the budget's fair share). */
  share?: ShareKey;
  /** Aborted while the call waits for its turn: it is not made (rejects with the reason). */
  signal?: AbortSignal;
  /** When the work this call belongs to began (its place in its lane). */
  since?: number;
  /** The call's turn was already taken (`budgetFor(...).tryAcquire`): it goes at once. */
  acquired?: boolean;
  /** The channel whose chat.postMessage budget counts, when the arguments are given late. */
  channel?: string;
}

/** A call's arguments, or a function that gives them when the call's turn comes (the latest text). */
export type SlackArgs = Record<string, unknown> | (() => Record<string, unknown>);

/**
 * The bot's Web API client with the workspace's rate budgets: every call waits its turn in its method's
 * budget, a 429 pauses that whole budget for Slack's Retry-After and the call is tried again, and a
 * failure becomes a `SlackApiError` carrying Slack's error string (never the token).
 */
export class SlackApi {
  private readonly budgets: Record<keyof SlackRates, RateBudget>;
  private readonly perChannel = new Map<string, RateBudget>();

  constructor(
    readonly client: webApi.WebClient,
    private readonly rates: SlackRates,
    private readonly logger: Logger,
    /** Counts a call that had to wait for its turn, by budget name (metrics). */
    private readonly watch?: (name: string) => BudgetWatcher,
  ) {
    const budget = (name: keyof SlackRates) =>
      new RateBudget(rates[name], Date.now, watch?.(BUDGET_NAMES[name]));
    this.budgets = {
      tier2: budget('tier2'),
      tier3: budget('tier3'),
      tier4: budget('tier4'),
      postPerChannel: budget('postPerChannel'),
      special: budget('special'),
    };
  }

  /** The budget a method's calls share (for `chat.postMessage`, the channel's). */
  budgetFor(method: string, channel?: string): RateBudget {
    if (method === 'chat.postMessage' && channel !== undefined) {
      let budget = this.perChannel.get(channel);
      if (!budget) {
        // Bounded: channels that went quiet have a full bucket, so forgetting them loses nothing.
        if (this.perChannel.size > 1000) this.perChannel.clear();
        budget = new RateBudget(
          this.rates.postPerChannel,
          Date.now,
          this.watch?.(BUDGET_NAMES.postPerChannel),
        );
        this.perChannel.set(channel, budget);
      }
      return budget;
    }
    return this.budgets[TIERS[method] ?? 'special'];
  }

  /**
   * Calls `method` with `args` (JSON values are serialised by the client); arguments given as a
   * function are taken when the call's turn comes.
   */
  async call(method: string, args: SlackArgs, options: CallOptions = {}): Promise<SlackResult> {
    const early = typeof args === 'function' ? undefined : args;
    const channel = options.channel ?? (typeof early?.channel === 'string' ? early.channel : undefined);
    return this.paced(method, channel, options, async () => {
      const now = typeof args === 'function' ? args() : args;
      return (await this.client.apiCall(method, now)) as unknown as SlackResult;
    });
  }

  /** Uploads one file into a thread (files.getUploadURLExternal, upload, files.completeUploadExternal). */
  async upload(file: {
    channel: string;
    thread: string;
    name: string;
    bytes: Uint8Array;
    title?: string;
  }): Promise<void> {
    await this.paced('files.uploadV2', file.channel, {}, async () => {
      await this.client.filesUploadV2({
        channel_id: file.channel,
        thread_ts: file.thread,
        file: Buffer.from(file.bytes),
        filename: file.name,
        title: file.title ?? file.name,
      });
      return {};
    });
  }

  private async paced(
    method: string,
    channel: string | undefined,
    options: CallOptions,
    send: () => Promise<SlackResult>,
  ): Promise<SlackResult> {
    const budget = this.budgetFor(method, channel);
    const { priority, share, signal, since } = options;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1 || !options.acquired) {
        await budget.acquire(priority, {
          ...(share && { share }),
          ...(signal && { signal }),
          ...(since !== undefined && { since }),
        });
      }
      try {
        return await send();
      } catch (error) {
        const failure = toSlackError(method, error);
        if (failure.retryAfterMs === undefined || attempt >= MAX_ATTEMPTS) throw failure;
        // Everyone calling this method in the workspace waits, not just this answer.
        this.logger.warn({ method, retryAfterMs: failure.retryAfterMs }, 'Slack rate limit: pausing');
        budget.pauseFor(failure.retryAfterMs);
      }
    }
  }
}

/** The client's errors, by its `code`, as one error type that keeps Slack's error string. */
export function toSlackError(method: string, error: unknown): SlackApiError {
  if (error instanceof SlackApiError) return error;
  const e = error as {
    code?: string;
    data?: { error?: string };
    retryAfter?: number;
    statusCode?: number;
  };
  switch (e.code) {
    case 'slack_webapi_platform_error':
      return new SlackApiError(method, e.data?.error ?? 'unknown_error', { cause: error });
    case 'slack_webapi_rate_limited_error':
      return new SlackApiError(method, 'ratelimited', {
        cause: error,
        status: 429,
        retryAfterMs: Math.max(0, (e.retryAfter ?? 1) * 1000),
      });
    case 'slack_webapi_http_error':
      return new SlackApiError(method, `http_${e.statusCode ?? 'error'}`, {
        cause: error,
        ...(e.statusCode === undefined ? {} : { status: e.statusCode }),
      });
    default:
      return new SlackApiError(method, 'request_failed', { cause: error });
  }
}

/** Slack's error string of a failed call, if it was one. */
export function slackErrorOf(error: unknown): string | undefined {
  return error instanceof SlackApiError ? error.slackError : undefined;
}
