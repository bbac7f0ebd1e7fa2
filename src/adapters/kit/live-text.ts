import { splitMessage } from '../../render/split.js';

/** The longest wait between streaming flushes after repeated failures. */
const MAX_RETRY_INTERVAL_MS = 30_000;

/** The message operations a platform offers for one answer. */
export interface MessageTarget<Handle> {
  /** Posts a new message with this content. */
  post(content: string): Promise<Handle>;
  /**
   * Replaces a posted message's content. Throws `MessageGoneError` when that message can no longer be
   * edited (deleted by someone, or too old to edit): the text then continues in a new message.
   */
  edit(handle: Handle, content: string): Promise<void>;
  /** Removes a message that the final text no longer needs (it got shorter); optional. */
  remove?(handle: Handle): Promise<void>;
}

/** The message behind a handle is gone or frozen; post a new one instead. */
export class MessageGoneError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'MessageGoneError';
  }
}

export interface LiveTextOptions<Handle = unknown> {
  /** The platform's limit for one message's content. */
  maxLength: number;
  /** A message is edited at most this often while the text streams. */
  minEditIntervalMs: number;
  /**
   * Messages an earlier process already posted for this text (an answer resumed after a restart):
   * they are edited to show the text, in order, before anything new is posted.
   */
  existing?: readonly Handle[];
  /** Told the full list of messages whenever it changes (a post, a replacement, a removal). */
  onPosted?: (handles: readonly Handle[]) => void;
  now?: () => number;
}

interface Posted<Handle> {
  handle: Handle;
  content: string;
}

/**
 * One streaming answer as a series of platform messages: the first text posts a message, later text
 * edits it (coalesced: at most once per interval, and never more than one call under way, so text
 * that arrives while a call waits for the platform's budget goes out together at the next), and when the text
 * outgrows one message it is split at a natural boundary and continues in the next. `finish` always
 * delivers the exact final text, whatever was skipped while streaming.
 */
export class LiveText<Handle> {
  private text = '';
  /** The text the platform messages show now. */
  private rendered = '';
  private readonly posted: Posted<Handle>[] = [];
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private finished = false;
  /** Streaming flushes that failed in a row. */
  private failures = 0;
  private readonly now: () => number;

  constructor(
    private readonly target: MessageTarget<Handle>,
    private readonly options: LiveTextOptions<Handle>,
  ) {
    this.now = options.now ?? Date.now;
    // What they show is not known here: the first flush edits each of them.
    for (const handle of options.existing ?? []) this.posted.push({ handle, content: '\u0000' });
  }

  /** Adds streamed text; it reaches the platform at the next paced flush. */
  append(delta: string): void {
    if (this.finished || delta.length === 0) return;
    this.text += delta;
    this.schedule();
  }

  /** Delivers exactly `finalText` (it replaces what streamed) and resolves with the messages used. */
  async finish(finalText: string): Promise<Handle[]> {
    this.finished = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.text = finalText;
    await this.flushing.catch(() => undefined);
    await this.flush();
    return this.posted.map((p) => p.handle);
  }

  /** True once `finish` was called: what goes out now is the final text. */
  get finishing(): boolean {
    return this.finished;
  }

  /** Messages posted so far. */
  get handles(): Handle[] {
    return this.posted.map((p) => p.handle);
  }

  private schedule(): void {
    if (this.timer) return;
    // After failed flushes (a platform outage, a lost permission) wait longer each time, so that a
    // stream that cannot be shown does not keep calling; `finish` still makes the final attempt.
    const interval = Math.min(MAX_RETRY_INTERVAL_MS, this.options.minEditIntervalMs * 2 ** this.failures);
    const wait = Math.max(0, this.lastFlushAt + interval - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing
        .then(() => this.flush())
        .then(
          () => {
            this.failures = 0;
          },
          () => {
            this.failures += 1;
          },
        )
        .then(() => {
          // Text that arrived during the flush goes out at the next turn.
          if (!this.finished && this.rendered !== this.text) this.schedule();
        });
    }, wait);
  }

  /** Makes the platform messages show `this.text`: edits what changed, posts what is new. */
  private async flush(): Promise<void> {
    const text = this.text;
    this.lastFlushAt = this.now();
    const chunks = text.trim().length === 0 ? [] : splitMessage(text, this.options.maxLength);
    for (const [index, chunk] of chunks.entries()) {
      const existing = this.posted[index];
      if (existing && existing.content === chunk) continue;
      if (!existing) {
        this.posted.push({ handle: await this.target.post(chunk), content: chunk });
        this.reportPosted();
        continue;
      }
      try {
        await this.target.edit(existing.handle, chunk);
        existing.content = chunk;
      } catch (error) {
        if (!(error instanceof MessageGoneError)) throw error;
        // The message was deleted or froze: this part and everything after it go into new messages.
        this.posted.splice(index);
        this.posted.push({ handle: await this.target.post(chunk), content: chunk });
        this.reportPosted();
      }
    }
    const extras = this.posted.splice(chunks.length);
    if (extras.length > 0) this.reportPosted();
    for (const extra of extras) {
      await (this.target.remove?.(extra.handle) ?? this.target.edit(extra.handle, '…'));
    }
    this.rendered = text;
  }

  private reportPosted(): void {
    this.options.onPosted?.(this.handles);
  }
}
