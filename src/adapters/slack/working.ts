import type { Logger } from '../../core/logger.js';
import { workingBody } from './blocks.js';
import type { SlackAddress } from './parse.js';
import { type SlackApi, slackErrorOf } from './slack-api.js';

/** What the working line says before the run reports anything. */
export const DEFAULT_WORKING_STATUS = 'Working on it…';

/**
 * Shows that a run is going, for as long as it goes: a small message with a Stop button in the thread,
 * and in DMs (the assistant and agent views) Slack's own status line (`assistant.threads.setStatus`).
 * Status changes update the message's line. When the run ends the message is deleted and the status
 * cleared, so the thread keeps only the answer.
 */
export class WorkingIndicator {
  private ts: string | undefined;
  private shown = '';

  constructor(
    private readonly api: SlackApi,
    private readonly address: SlackAddress,
    private readonly key: string,
    private readonly logger: Logger,
  ) {}

  /** Takes over the working line an earlier process posted for this run (resumed after a restart). */
  adopt(ts: string): void {
    this.ts = ts;
    this.shown = DEFAULT_WORKING_STATUS;
  }

  /** The working line's message, once posted. */
  get messageTs(): string | undefined {
    return this.ts;
  }

  async start(): Promise<void> {
    if (this.ts !== undefined) return;
    const result = await this.api.call('chat.postMessage', {
      channel: this.address.channel,
      thread_ts: this.address.thread,
      ...workingBody(DEFAULT_WORKING_STATUS, this.key),
    });
    this.ts = String(result.ts);
    this.shown = DEFAULT_WORKING_STATUS;
    // After our post: Slack clears an assistant thread's status whenever the app posts in it.
    await this.setStatus('is thinking…');
  }

  async status(text: string): Promise<void> {
    await this.setStatus(text);
    if (this.ts === undefined || text === this.shown) return;
    this.shown = text;
    await this.api.call('chat.update', {
      channel: this.address.channel,
      ts: this.ts,
      ...workingBody(text, this.key),
    });
  }

  async stop(): Promise<void> {
    const ts = this.ts;
    this.ts = undefined;
    if (ts !== undefined) {
      await this.api.call('chat.delete', { channel: this.address.channel, ts }).catch((err: unknown) => {
        if (slackErrorOf(err) !== 'message_not_found') throw err;
      });
    }
    await this.setStatus('');
  }

  /** The assistant view's status line; only DMs have one, and a DM without the AI feature says so. */
  private async setStatus(status: string): Promise<void> {
    if (this.address.surface !== 'dm') return;
    try {
      await this.api.call('assistant.threads.setStatus', {
        channel_id: this.address.channel,
        thread_ts: this.address.thread,
        status,
      });
    } catch (err) {
      this.logger.debug({ err }, 'assistant.threads.setStatus failed (the app may lack the AI feature)');
    }
  }
}
