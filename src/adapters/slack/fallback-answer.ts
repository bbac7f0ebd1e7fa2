import { LiveText, MessageGoneError, type MessageTarget } from '../shared/live-text.js';
import { MAX_MARKDOWN_LENGTH, markdownBody } from './blocks.js';
import type { SlackAddress } from './parse.js';
import { type SlackApi, slackErrorOf } from './slack-api.js';

/** One streaming answer in the thread, however it is shown. */
export interface Answer {
  /** Streamed text; shown at the next paced update. */
  append(delta: string): void;
  /** Shows exactly `finalText` (it replaces what streamed) and settles once Slack has it. */
  finish(finalText: string): Promise<void>;
  /** Ends the answer as it stands (the run stopped before its final text). */
  close(): Promise<void>;
}

/** Errors of `chat.update` that mean "that message cannot change any more": continue in a new one. */
const GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed', 'is_inactive']);

/**
 * The answer as ordinary messages: `chat.postMessage`, then `chat.update` at most once per
 * `SLACK_UPDATE_INTERVAL_MS` per message and in turn with every other answer of the workspace
 * (the Tier 3 budget), split at natural boundaries when it outgrows one message. Used when Slack
 * refuses native streaming.
 */
export class FallbackAnswer implements Answer {
  private readonly live: LiveText<string>;
  private text = '';

  /**
   * `resumed`: messages an earlier process posted for this answer (they are edited in place);
   * `onPosted`: told the answer's messages whenever they change.
   */
  constructor(
    api: SlackApi,
    address: SlackAddress,
    updateIntervalMs: number,
    journal: { resumed?: readonly string[]; onPosted?: (ts: readonly string[]) => void } = {},
  ) {
    const target: MessageTarget<string> = {
      post: async (content) => {
        const result = await api.call('chat.postMessage', {
          channel: address.channel,
          thread_ts: address.thread,
          ...markdownBody(content),
        });
        return String(result.ts);
      },
      edit: async (ts, content) => {
        try {
          await api.call(
            'chat.update',
            { channel: address.channel, ts, ...markdownBody(content) },
            { acquired: true },
          );
        } catch (error) {
          if (GONE.has(slackErrorOf(error) ?? ''))
            throw new MessageGoneError('message gone', { cause: error });
          throw error;
        }
      },
      remove: async (ts) => {
        await api.call('chat.delete', { channel: address.channel, ts }, { acquired: true });
      },
    };
    this.live = new LiveText(target, {
      maxLength: MAX_MARKDOWN_LENGTH,
      minEditIntervalMs: updateIntervalMs,
      budget: api.budgetFor('chat.update'),
      ...(journal.resumed ? { existing: journal.resumed } : {}),
      ...(journal.onPosted ? { onPosted: journal.onPosted } : {}),
    });
  }

  append(delta: string): void {
    this.text += delta;
    this.live.append(delta);
  }

  async finish(finalText: string): Promise<void> {
    this.text = finalText;
    await this.live.finish(finalText);
  }

  close(): Promise<void> {
    return this.finish(this.text);
  }
}
