import type { Logger } from '../../core/logger.js';
import { fenceAfter } from '../../render/fences.js';
import { splitMessage } from '../../render/split.js';
import type { CallPriority, StreamedText } from '../kit/chat-surface.js';
import type { ShareKey } from '../kit/fair-share.js';
import { runAfter } from '../kit/run-after.js';
import { MAX_MARKDOWN_LENGTH, markdownBody } from './blocks.js';
import type { SlackAddress } from './parse.js';
import { type SlackApi, slackErrorOf } from './slack-api.js';

/** Shared by all answers: whether Slack lets this app stream, and how many streams are open. */
export interface StreamingState {
  /** Slack said streaming is not available to this app: stop asking. */
  refused: boolean;
  /** Streams started (or admitted to start) and not stopped yet: each needs a Tier 2 turn to stop. */
  open: number;
}

/** Refusals that hold for the whole app (scope, token type, method unknown), not one channel. */
const APP_WIDE_REFUSALS = new Set([
  'unknown_method',
  'method_deprecated',
  'missing_scope',
  'not_allowed_token_type',
  'feature_not_enabled',
  'not_authed',
  'http_404',
]);

/** Room kept in every streamed message for the fence line that closes a code block cut in two. */
const FENCE_RESERVE = 16;

/** What one streamed answer works with. */
export interface StreamAnswerOptions {
  api: SlackApi;
  address: SlackAddress;
  /** Who the answer is for (the budgets' fair share). */
  share?: ShareKey;
  streaming: StreamingState;
  /** The first stream's Tier 2 turn was taken already (the surface admitted the stream); default true. */
  admitted?: boolean;
  /** The rest of the text goes on another way (edits) for lack of a turn to start a further stream. */
  onSwitch?: (to: 'edit') => void;
  /** Streamed text is appended at most this often. */
  appendIntervalMs: number;
  /** When Slack refuses streaming: the text shown another way (edited messages), told its messages. */
  fallback: (onPosted: (ts: readonly string[]) => void) => StreamedText;
  logger: Logger;
  /** The user pressed Slack's own stop on the stream (`stopped_by_user`). */
  onStoppedByUser?: () => void;
  /** Told the answer's messages (their ts) whenever they change, for the run's journal. */
  onPosted?: (ts: readonly string[]) => void;
  now?: () => number;
}

interface Streamed {
  ts: string;
  /** What the message shows, fence lines added at cuts included. */
  content: string;
  open: boolean;
}

/**
 * The answer as Slack native streams (`chat.startStream` / `appendStream` / `stopStream`): appends
 * are coalesced and paced; a message that would pass 12,000 characters is ended at a natural boundary
 * (a code block closed and reopened) and the text continues in a new stream; a stream Slack closed
 * under us (`message_not_in_streaming_state`) continues in a new message. When Slack refuses streaming,
 * the answer goes on in `options.fallback` (the kit's edited messages: `chat.postMessage` + `chat.update`).
 */
export class StreamAnswer implements StreamedText {
  /** Raw text already on Slack (the whitespace dropped at cuts included), to match against the final text. */
  private sent = '';
  private pending = '';
  /** The fence line that opens the next message, when a code block was cut. */
  private reopen = '';
  private readonly messages: Streamed[] = [];
  private fallback: { answer: StreamedText; sent: string; reopen: string } | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Calls off the append scheduled (undefined: none is). */
  private cancelScheduled: (() => void) | undefined;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private finished = false;
  private stopped = false;
  /** The first stream's turn is in hand (admitted by the surface). */
  private admitted: boolean;
  /** Cancels an append still waiting for its turn when the final text comes. */
  private waiting: AbortController | undefined;
  /** Streams being stopped: the answer does not wait for them (see `tidied`). */
  private readonly stops: Promise<void>[] = [];
  private readonly now: () => number;

  constructor(private readonly options: StreamAnswerOptions) {
    this.now = options.now ?? Date.now;
    this.admitted = options.admitted ?? true;
    if (this.admitted) options.streaming.open += 1;
  }

  /** Settles once every stream of the answer was stopped. */
  async tidied(): Promise<void> {
    this.unadmit();
    await Promise.all(this.stops);
  }

  append(delta: string): void {
    if (this.finished || this.stopped || delta.length === 0) return;
    if (this.fallback) {
      this.fallback.answer.append(delta);
      return;
    }
    this.pending += delta;
    if (this.cancelScheduled) return;
    const wait = Math.max(0, this.lastFlushAt + this.options.appendIntervalMs - this.now());
    this.cancelScheduled = runAfter(wait, () => {
      this.cancelScheduled = undefined;
      this.chain = this.chain.then(() => this.pump('update')).catch((err: unknown) => this.logFailure(err));
    });
  }

  async close(): Promise<void> {
    this.finished = true;
    this.cancelScheduled?.();
    this.cancelScheduled = undefined;
    this.waiting?.abort(new Error('the final text goes instead'));
    await this.chain;
    if (this.fallback) return this.fallback.answer.close();
    return this.finish(this.sent + this.pending);
  }

  /** Shows the final text (the last append in the final lane); the stream is stopped in the background. */
  async finish(finalText: string): Promise<void> {
    this.finished = true;
    this.cancelScheduled?.();
    this.cancelScheduled = undefined;
    // An append still waiting for its turn is called off: the final append carries its text too.
    this.waiting?.abort(new Error('the final text goes instead'));
    await this.chain;
    if (this.stopped) return this.stopCurrent();
    if (this.fallback) return this.finishFallback(finalText);
    if (finalText.startsWith(this.sent)) {
      // The usual case: the final text is what streamed plus what is still to come.
      this.pending = finalText.slice(this.sent.length);
      await this.pump('final');
      if (this.fallback) return this.finishFallback(finalText);
      return this.stopCurrent();
    }
    // Annotations changed text that already streamed: end the stream, then correct the messages.
    await this.stopCurrent(true);
    await this.reconcile(finalText);
  }

  /** Sends the pending text: appends to the open stream, or starts one; ends a full message and goes on. */
  private async pump(priority: CallPriority): Promise<void> {
    this.lastFlushAt = this.now();
    while (this.pending.length > 0 && !this.fallback && !this.stopped) {
      const current = this.messages.at(-1)?.open ? this.messages.at(-1) : undefined;
      const before = current ? current.content : this.reopen;
      const room = MAX_MARKDOWN_LENGTH - before.length - FENCE_RESERVE;
      const cut = chooseCut(this.pending, room);
      const piece = this.pending.slice(0, cut.end);
      const open = fenceAfter(before + piece);
      let text = (current ? '' : this.reopen) + piece;
      if (cut.full && open) text += `\n${open.marker}`;
      if (text.trim().length === 0) {
        // Only whitespace: hold it until there is something to show with it, or drop it at the end.
        if (this.finished) {
          this.sent += this.pending;
          this.pending = '';
        }
        return;
      }
      let shown: boolean;
      try {
        shown = current ? await this.appendTo(current, text, priority) : await this.start(text);
      } catch (error) {
        if (this.waiting?.signal.aborted && priority !== 'final') return; // the final text goes instead
        throw error;
      }
      if (!shown) continue;
      this.sent += this.pending.slice(0, cut.next);
      this.pending = this.pending.slice(cut.next);
      if (cut.full) {
        this.reopen = open ? `${open.marker}${open.language}\n` : '';
        await this.stopCurrent();
      }
    }
  }

  /**
   * Starts a stream with `text` (a further stream only with a Tier 2 turn free at once, one kept for
   * every open stream's stop); refused, or without a turn, the rest of the answer goes to the fallback.
   */
  private async start(text: string): Promise<boolean> {
    const { api, address, share, streaming } = this.options;
    const admitted = this.admitted;
    this.admitted = false;
    if (!admitted) {
      const tier2 = api.budgetFor('chat.startStream');
      if (!tier2.tryAcquire('first', { reserve: streaming.open, ...(share && { share }) })) {
        this.options.logger.info(
          'no Slack Tier 2 turn free for a further stream: the answer goes on in chat.update',
        );
        this.options.onSwitch?.('edit');
        return this.switchToFallback();
      }
      streaming.open += 1;
    }
    try {
      const result = await api.call(
        'chat.startStream',
        {
          channel: address.channel,
          thread_ts: address.thread,
          recipient_user_id: address.user,
          recipient_team_id: address.team,
          markdown_text: text,
        },
        {
          priority: this.messages.length === 0 ? 'first' : 'update',
          acquired: true,
          ...(share && { share }),
        },
      );
      this.messages.push({ ts: String(result.ts), content: text, open: true });
      this.reportPosted();
      return true;
    } catch (error) {
      streaming.open -= 1;
      const code = slackErrorOf(error) ?? 'request_failed';
      if (APP_WIDE_REFUSALS.has(code)) streaming.refused = true;
      this.options.logger.info({ slackError: code }, 'Slack refused a stream; answering with chat.update');
      this.options.onSwitch?.('edit');
      return this.switchToFallback();
    }
  }

  /** The rest of the answer goes on in the fallback (edited messages). */
  private switchToFallback(): false {
    const before = this.messages.map((m) => m.ts);
    const answer = this.options.fallback((ts) => this.options.onPosted?.([...before, ...ts]));
    this.fallback = { answer, sent: this.sent, reopen: this.reopen };
    answer.append(this.reopen + this.pending);
    this.pending = '';
    return false;
  }

  /** Appends `text`; false when Slack had closed the stream (the text then starts the next message). */
  private async appendTo(message: Streamed, text: string, priority: CallPriority): Promise<boolean> {
    const waiting = priority === 'final' ? undefined : new AbortController();
    this.waiting = waiting;
    try {
      await this.options.api.call(
        'chat.appendStream',
        { channel: this.options.address.channel, ts: message.ts, markdown_text: text },
        {
          priority,
          ...(waiting && { signal: waiting.signal }),
          ...(this.options.share && { share: this.options.share }),
        },
      );
      message.content += text;
      return true;
    } catch (error) {
      const code = slackErrorOf(error);
      if (code === 'stopped_by_user') {
        this.stopped = true;
        this.closedBySlack(message);
        this.options.onStoppedByUser?.();
        return false;
      }
      if (code !== 'message_not_in_streaming_state' && code !== 'message_not_found') throw error;
      this.closedBySlack(message);
      const open = fenceAfter(message.content);
      this.reopen = open ? `${open.marker}${open.language}\n` : '';
      return false;
    }
  }

  /**
   * Stops the open stream. Its text is on Slack already, so nothing waits for the stop (it never holds
   * back what the user sees) unless `wait`: the messages are corrected next, which needs it stopped.
   */
  /** Slack ended a stream itself (the user stopped it, or it expired): one open stream fewer. */
  private closedBySlack(message: Streamed): void {
    if (!message.open) return;
    message.open = false;
    this.options.streaming.open -= 1;
  }

  /** The admitted first stream never started (no text came): its place is given back. */
  private unadmit(): void {
    if (!this.admitted) return;
    this.admitted = false;
    this.options.streaming.open -= 1;
  }

  private async stopCurrent(wait = false): Promise<void> {
    const current = this.messages.at(-1);
    if (!current?.open) return;
    current.open = false;
    const { api, address, share, streaming } = this.options;
    const stop = api
      .call(
        'chat.stopStream',
        { channel: address.channel, ts: current.ts },
        { priority: 'final', ...(share && { share }) },
      )
      .then(
        () => undefined,
        (error: unknown) => {
          // Already ended by Slack: the text it holds is what we sent, nothing is lost.
          if (slackErrorOf(error) !== 'message_not_in_streaming_state') throw error;
        },
      )
      .finally(() => {
        streaming.open -= 1;
      });
    this.stops.push(stop);
    if (wait) await stop;
  }

  private async finishFallback(finalText: string): Promise<void> {
    const fallback = this.fallback;
    if (!fallback) return;
    if (finalText.startsWith(fallback.sent)) {
      return fallback.answer.finish(fallback.reopen + finalText.slice(fallback.sent.length));
    }
    await fallback.answer.finish('');
    await this.reconcile(finalText);
  }

  /** Makes the messages show `finalText`: updates what differs, posts what is new, deletes the rest. */
  private async reconcile(finalText: string): Promise<void> {
    const { api, address } = this.options;
    const chunks = finalText.trim() === '' ? [] : splitMessage(finalText, MAX_MARKDOWN_LENGTH);
    for (const [index, chunk] of chunks.entries()) {
      const message = this.messages[index];
      if (message?.content === chunk) continue;
      if (message) {
        const update = { channel: address.channel, ts: message.ts, ...markdownBody(chunk) };
        await api.call('chat.update', update, { priority: 'final' });
        message.content = chunk;
      } else {
        const result = await api.call(
          'chat.postMessage',
          { channel: address.channel, thread_ts: address.thread, ...markdownBody(chunk) },
          { priority: 'final' },
        );
        this.messages.push({ ts: String(result.ts), content: chunk, open: false });
        this.reportPosted();
      }
    }
    const extras = this.messages.splice(chunks.length);
    if (extras.length > 0) this.reportPosted();
    for (const extra of extras) {
      await api.call('chat.delete', { channel: address.channel, ts: extra.ts }, { priority: 'final' });
    }
  }

  private reportPosted(): void {
    this.options.onPosted?.(this.messages.map((m) => m.ts));
  }

  private logFailure(error: unknown): void {
    this.options.logger.warn(
      { err: error },
      'streaming an answer to Slack failed; the final text will follow',
    );
  }
}

/**
 * Where to end the piece that goes now: all of `text` if it fits in `room`, else the best boundary
 * within it (paragraph, line, sentence end, word; a cut is taken only if it keeps the message at least
 * half full), and `full` says the message is then complete.
 */
export function chooseCut(text: string, room: number): { end: number; next: number; full: boolean } {
  if (text.length <= room) return { end: text.length, next: text.length, full: false };
  const window = text.slice(0, room + 1);
  for (const pattern of [/\n[ \t]*\n\s*/g, /\n/g, /(?<=[.!?])[ \t]+/g, /[ \t]+/g]) {
    let best: RegExpExecArray | undefined;
    for (let match = pattern.exec(window); match; match = pattern.exec(window)) {
      if (match.index <= room && match.index >= room / 2) best = match;
    }
    if (best) return { end: best.index, next: best.index + best[0].length, full: true };
  }
  // No boundary in reach: cut anywhere, but never between the two halves of a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(room - 1)) ? room - 1 : room;
  return { end, next: end, full: true };
}
