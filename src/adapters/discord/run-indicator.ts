import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { RunIndicator } from '../kit/chat-surface.js';
import type { RateBudget } from '../kit/rate-budget.js';
import { describeError } from './discord-errors.js';
import type { DiscordPort } from './rest-port.js';
import { TypingIndicator } from './typing.js';

/** Reacting with this on an answer stops its run; the bot puts it on the answer as a button. */
export const STOP_EMOJI = '⏹️';

/**
 * A run working on Discord: "is typing…" while it goes, and ⏹️ on the answer's first message so that
 * stopping is one click. Every message of the answer is known to the adapter's reaction handler
 * (`answers`) until the run is over; then ⏹️ comes off.
 */
export class DiscordRunIndicator implements RunIndicator {
  private readonly typing: TypingIndicator;
  private stopButton: Promise<string | undefined> | undefined;
  private readonly ids: string[] = [];

  constructor(
    private readonly options: {
      port: DiscordPort;
      budget: RateBudget;
      typingRefreshMs: number;
      logger: Logger;
      answers: Map<string, ConversationKey>;
      channel: string;
      key: ConversationKey;
      /** Messages an earlier process posted for this answer: the first carries its ⏹️. */
      resumed: readonly string[];
    },
  ) {
    const { port, budget, channel } = options;
    this.typing = new TypingIndicator(async (stillWanted) => {
      await budget.acquire('update');
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
    // Typing says the run works; Discord has no status line to change.
  }

  posted(messageId: string): void {
    this.remember(messageId);
    this.stopButton ??= this.addStopButton(messageId);
  }

  async stop(): Promise<void> {
    await this.typing.stop();
    const button = await this.stopButton;
    if (button !== undefined) {
      await this.options.budget.acquire('update');
      await this.options.port.unreact(this.options.channel, button, STOP_EMOJI).catch(() => undefined);
    }
    for (const id of this.ids) this.options.answers.delete(id);
  }

  private remember(id: string): void {
    this.ids.push(id);
    this.options.answers.set(id, this.options.key);
  }

  private async addStopButton(messageId: string): Promise<string | undefined> {
    await this.options.budget.acquire('update');
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
