import type { StreamedText } from '../kit/chat-surface.js';

/** What a streamed answer writes: its first post, appends, and the final text as an edit. */
export interface StreamedAnswerTarget {
  post(text: string): Promise<string>;
  append(id: string, delta: string): Promise<unknown>;
  edit(id: string, text: string): Promise<unknown>;
  onPosted(ids: readonly string[]): void;
  /** Deltas are gathered and appended at most this often. */
  intervalMs: number;
}

/**
 * One answer text streamed to the page: posted with its first words, then appended to (deltas
 * coalesced so a fast model does not write an event per token), and finally edited to the exact final
 * text (footnotes included). Writes happen one at a time, in order.
 */
export class StreamedAnswer implements StreamedText {
  private id: string | undefined;
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  /** The chain of writes: each waits for the one before. */
  private writes: Promise<void> = Promise.resolve();
  /** The first write that failed: finish and close report it. */
  private failure: unknown;

  constructor(private readonly target: StreamedAnswerTarget) {}

  append(delta: string): void {
    if (delta === '') return;
    this.pending += delta;
    if (this.id === undefined && this.pending === delta) {
      this.enqueue(() => this.flush());
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.enqueue(() => this.flush());
    }, this.target.intervalMs);
  }

  async finish(finalText: string): Promise<void> {
    this.stopTimer();
    this.pending = '';
    this.enqueue(async () => {
      if (this.id === undefined) await this.posted(finalText);
      else await this.target.edit(this.id, finalText);
    });
    await this.settled();
  }

  async close(): Promise<void> {
    this.stopTimer();
    this.enqueue(() => this.flush());
    await this.settled();
  }

  private async settled(): Promise<void> {
    await this.writes;
    if (this.failure !== undefined) throw this.failure;
  }

  private async flush(): Promise<void> {
    const delta = this.pending;
    this.pending = '';
    if (delta === '') return;
    if (this.id === undefined) await this.posted(delta);
    else await this.target.append(this.id, delta);
  }

  private async posted(text: string): Promise<void> {
    this.id = await this.target.post(text);
    this.target.onPosted([this.id]);
  }

  private enqueue(write: () => Promise<void>): void {
    // A failed write is the renderer's to report (finish and close reject); the next still runs.
    this.writes = this.writes.then(write).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
