import type { Logger } from '../../core/logger.js';
import type { CallPriority } from '../kit/chat-surface.js';
import type { ShareKey } from '../kit/fair-share.js';
import { LatestCall } from '../kit/latest-call.js';
import { answerWorkingBody, markdownBody, workingBody } from './blocks.js';
import { keyMetadata } from './keyed-posts.js';
import type { SlackAddress } from './parse.js';
import { type SlackApi, slackErrorOf } from './slack-api.js';

/** What the working line says before the run reports anything. */
export const DEFAULT_WORKING_STATUS = 'Working on it…';

/** What a working line works with. */
export interface WorkingLineOptions {
  api: SlackApi;
  address: SlackAddress;
  /** The conversation key: the Stop button's value. */
  key: string;
  logger: Logger;
  share: ShareKey;
  /** Tidying up after the run (the line deleted, its Stop button removed): not waited for by the answer. */
  tidy: (work: Promise<unknown>) => void;
}

/**
 * The working line, the answer's placeholder: a small message with the run's status and a Stop
 * button, posted when the run starts (and in DMs Slack's own status line, `assistant.threads.setStatus`).
 * The answer's first text may take it over (`show`): the text above, status and Stop below, in the
 * same message; the final text drops the status and Stop, which come back if the run goes on working
 * (a tool call after the text). A line the text never took is deleted after the run, in the background
 * lane (it never holds back an answer). Updates are coalesced: one `chat.update` at a time, carrying
 * the latest state when its turn in Tier 3 comes.
 */
export class WorkingLine {
  private ts: string | undefined;
  private statusLine = DEFAULT_WORKING_STATUS;
  private running = false;
  /** The answer text the line shows, once taken (read when an update's turn comes: the latest). */
  private text: (() => string) | undefined;
  /** Status and Stop shown (under the text, once taken). */
  private showWorking = true;
  private posting: AbortController | undefined;
  /** Something else was posted below the line (a tool call, a stream): text there would read out of order. */
  private passed = false;
  private readonly updates: LatestCall;
  /** What names the line's post across processes (see `CallOptions.key`). */
  private postKey: string | undefined;

  constructor(private readonly options: WorkingLineOptions) {
    this.updates = new LatestCall(async (priority, signal, granted) => {
      const { api, address, share } = this.options;
      await api.call(
        'chat.update',
        () => {
          granted();
          return { channel: address.channel, ts: this.ts, ...this.body() };
        },
        { priority, signal, share },
      );
    });
  }

  /** Takes over the working line an earlier process posted for this run (resumed after a restart). */
  adopt(ts: string): void {
    this.ts = ts;
    this.running = true;
  }

  /** The line's post carries this key, so that a resumed run finds it (see `KeyedPosts`). */
  keyAs(key: string): void {
    this.postKey = key;
  }

  /** The working line's message, once posted. */
  get messageTs(): string | undefined {
    return this.ts;
  }

  /** True once an answer text shows in the line. */
  get taken(): boolean {
    return this.text !== undefined;
  }

  /**
   * A message of the answer was posted below the line (a tool call, a file, a stream): the answer's
   * text may no longer take the line, which would put it above them.
   */
  postedBelow(): void {
    if (this.ts !== undefined || this.posting !== undefined) this.passed = true;
  }

  /** Posts the line (the first lane of the channel's budget); called off if the text comes first. */
  async start(): Promise<string | undefined> {
    this.running = true;
    if (this.ts !== undefined || this.posting) return this.ts;
    const posting = new AbortController();
    this.posting = posting;
    const { api, address, share } = this.options;
    let posted = '';
    try {
      const result = await api.call(
        'chat.postMessage',
        () => {
          posted = this.statusLine;
          return {
            channel: address.channel,
            thread_ts: address.thread,
            ...this.body(),
            ...keyMetadata(this.postKey),
          };
        },
        { priority: 'first', signal: posting.signal, share, channel: address.channel },
      );
      const ts = String(result.ts);
      // Posted while the text went in its place, or after the run ended: not needed any more.
      if (this.ts !== undefined || this.text !== undefined || !this.running) {
        this.remove(ts);
        return this.ts;
      }
      this.ts = ts;
    } catch (error) {
      if (posting.signal.aborted) return undefined;
      throw error;
    } finally {
      if (this.posting === posting) this.posting = undefined;
    }
    // The status changed while the line was on its way: the line catches up.
    if (posted !== this.statusLine) this.updateInBackground('update');
    // After our post: Slack clears an assistant thread's status whenever the app posts in it.
    await this.setStatus('is thinking…');
    return this.ts;
  }

  /** A progress line from the run: shown under the text (again) at the next coalesced update. */
  async status(text: string): Promise<void> {
    await this.setStatus(text);
    if (text === this.statusLine && this.showWorking) return;
    this.statusLine = text;
    this.showWorking = true;
    if (this.ts !== undefined && this.running) this.updateInBackground('update');
  }

  /**
   * Whether an answer's first text may go into this line now: nobody took it, and a call in Tier 3
   * would wait at most `withinMs` (`waitMs`), or the line is still waiting to be posted and the text
   * can go in its place (a `final` text needs no Tier 3 turn then; a growing one will).
   */
  canTake(waitMs: number, withinMs: number, final: boolean): boolean {
    if (!this.running || this.passed || this.text !== undefined) return false;
    if (this.ts === undefined && this.posting === undefined) return false;
    return (this.ts === undefined && final) || waitMs <= withinMs;
  }

  /**
   * Shows `text` in the line (taking it over the first time); with `final`, without status and Stop.
   * Resolves with the line's ts once Slack shows it.
   */
  async show(
    text: () => string,
    final: boolean,
    priority: CallPriority,
    signal?: AbortSignal,
  ): Promise<string> {
    const before = { text: this.text, showWorking: this.showWorking };
    this.text = text;
    this.showWorking = !final && this.running;
    try {
      if (this.ts === undefined) return await this.postInstead(priority, signal);
      await this.updates.request(priority, signal);
      return this.ts;
    } catch (error) {
      // Called off before its turn (the final text goes another way): the line was not taken after all.
      if (signal?.aborted && before.text === undefined) {
        this.text = undefined;
        this.showWorking = before.showWorking;
      }
      throw error;
    }
  }

  /**
   * The run is over: an unused line is deleted in the background lane; a line showing the answer keeps
   * only the text (its status and Stop go at once, in the final lane). Neither holds up the answer.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.posting?.abort();
    if (this.ts !== undefined && this.text === undefined) {
      this.remove(this.ts);
      this.ts = undefined;
    } else if (this.ts !== undefined && this.showWorking) {
      // The answer is done: its message loses status and Stop now (final lane), not when Tier 3 is idle.
      this.showWorking = false;
      this.updateInBackground('final');
    }
    await this.setStatus('');
  }

  /** The line was not posted yet: the text is posted in its place (status and Stop with it). */
  private async postInstead(priority: CallPriority, signal?: AbortSignal): Promise<string> {
    this.posting?.abort();
    const { api, address, share } = this.options;
    const result = await api.call(
      'chat.postMessage',
      () => ({
        channel: address.channel,
        thread_ts: address.thread,
        ...this.body(),
        ...keyMetadata(this.postKey),
      }),
      { priority, share, channel: address.channel, ...(signal && { signal }) },
    );
    const ts = String(result.ts);
    // The line landed after all while this was on its way: the text's message takes its role.
    if (this.ts !== undefined && this.ts !== ts) this.remove(this.ts);
    this.ts = ts;
    return ts;
  }

  /** Deletes a line nobody needs, in the background lane. */
  private remove(ts: string): void {
    const { api, address, share } = this.options;
    this.options.tidy(
      api
        .call('chat.delete', { channel: address.channel, ts }, { priority: 'background', share })
        .catch((err: unknown) => {
          if (slackErrorOf(err) !== 'message_not_found') throw err;
        }),
    );
  }

  private updateInBackground(priority: CallPriority): void {
    this.options.tidy(this.updates.request(priority));
  }

  private body() {
    const { key } = this.options;
    if (this.text === undefined) return workingBody(this.statusLine, key);
    if (this.showWorking) return answerWorkingBody(this.text(), this.statusLine, key);
    return markdownBody(this.text());
  }

  /** The assistant view's status line; only DMs have one, and a DM without the AI feature says so. */
  private async setStatus(status: string): Promise<void> {
    const { address, api, logger } = this.options;
    if (address.surface !== 'dm') return;
    try {
      await api.call('assistant.threads.setStatus', {
        channel_id: address.channel,
        thread_ts: address.thread,
        status,
      });
    } catch (err) {
      logger.debug({ err }, 'assistant.threads.setStatus failed (the app may lack the AI feature)');
    }
  }
}
