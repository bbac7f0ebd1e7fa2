import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { RunIndicator } from '../kit/chat-surface.js';
import type { ShareKey } from '../kit/fair-share.js';
import type { RateBudget } from '../kit/rate-budget.js';
import { describeError } from './discord-errors.js';
import type { DiscordPort } from './rest-port.js';
import { TypingIndicator } from './typing.js';

/** Reacting with this on an answer stops its run; the bot puts it on the answer as a button. */
export const STOP_EMOJI = '⏹️';

/**
 * A run working on Discord: "is typing…" until the answer shows text (and again while a tool works),
 * and ⏹️ on the answer's first message so that stopping is one click. Both are decorations: they wait
 * in the budget's background lane, behind every answer's text, and one still waiting when the run
 * ends is called off. Every message of the answer is known to the adapter's reaction handler
 * (`answers`) until the run is over; then ⏹️ comes off.
 */
export class DiscordRunIndicator implements RunIndicator {
  private readonly typing: TypingIndicator;
  private stopButton: Promise<string | undefined> | undefined;
  private readonly ids: string[] = [];
  private readonly ending = new AbortController();

  constructor(
    private readonly options: {
      port: DiscordPort;
      budget: RateBudget;
      typingRefreshMs: number;
      logger: Logger;
      answers: Map<string, ConversationKey>;
      channel: string;
      key: ConversationKey;
      share?: ShareKey;
      /** Messages an earlier process posted for this answer: the first carries its ⏹️. */
      resumed: readonly string[];
    },
  ) {
    const { port, budget, channel, share } = options;
    this.typing = new TypingIndicator(async (stillWanted, signal) => {
      await budget.acquire('background', { signal, ...(share && { share }) });
      if (stillWanted()) await port.typing(channel);
    }, options.typingRefreshMs);
    for (const id of options.resumed) this.remember(id);
    if (options.resumed[0] !== undefined) this.stopButton = Promise.resolve(options.resumed[0]);
  }

  async start(): Promise<undefined> {
    this.typing.start();
    return undefined;
  }

  async status(): Promise<void> {
    // Typing says the run works (a tool call after text); Discord has no status line to change.
    this.typing.start();
  }

  posted(messageId: string): void {
    this.remember(messageId);
    // The answer shows: Discord ends "is typing…" when the bot posts anyway.
    void this.typing.stop();
    this.stopButton ??= this.addStopButton(messageId);
  }

  /** Typing stops and a ⏹️ not yet on is called off; one that is on comes off in the background. */
  async stop(): Promise<void> {
    this.ending.abort();
    await this.typing.stop();
    const button = await this.stopButton;
    for (const id of this.ids) this.options.answers.delete(id);
    if (button === undefined) return;
    const { budget, port, channel, share } = this.options;
    void budget
      .acquire('background', share && { share })
      .then(() => port.unreact(channel, button, STOP_EMOJI))
      .catch(() => undefined);
  }

  private remember(id: string): void {
    this.ids.push(id);
    this.options.answers.set(id, this.options.key);
  }

  private async addStopButton(messageId: string): Promise<string | undefined> {
    const { budget, share } = this.options;
    try {
      await budget.acquire('background', { signal: this.ending.signal, ...(share && { share }) });
    } catch {
      return undefined; // the run ended first: no ⏹️ needed any more
    }
    try {
      await this.options.port.react(this.options.channel, messageId, STOP_EMOJI);
      return messageId;
    } catch (error) {
      this.options.logger.debug(
        { channel: this.options.channel, ...describeError(error) },
        'could not add the ⏹️ reaction',
      );
      return undefined;
    }
  }
}
