import { splitMessage } from '../../render/split.js';
import type { CallPriority } from './chat-surface.js';
import type { TextPlan } from './render-plan.js';
import { runAfter } from './run-after.js';

/** The longest wait between streaming flushes after repeated failures. */
const MAX_RETRY_INTERVAL_MS = 30_000;

/** One call of a text: its lane in the budgets, and what cancels it while it waits for its turn. */
export interface TextCall {
  priority: CallPriority;
  signal?: AbortSignal;
  /** When the flush this call belongs to began: its calls keep one place in the lane. */
  since?: number;
  /** The message's text may still change (edits will follow); a place may refuse that (BudgetBusyError). */
  growing?: boolean;
  /**
   * A post of the text's message at this place in the series (0: the first): the same in every
   * process that shows the text (what keys the post, see `CallOptions.key`). None on a re-post after
   * the message was gone.
   */
  index?: number;
}

/**
 * The message operations a platform offers for one answer. Contents are functions, called when the
 * call's turn in the budget has come, so that a call that waited carries the latest text.
 */
export interface MessageTarget<Handle> {
  /** Posts a new message with this content. */
  post(content: () => string, call: TextCall): Promise<Handle>;
  /**
   * Replaces a posted message's content. Throws `MessageGoneError` when that message can no longer be
   * edited (deleted by someone, or too old to edit): the text then continues in a new message.
   */
  edit(handle: Handle, content: () => string, call: TextCall): Promise<void>;
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

/**
 * The place cannot show a text that is still growing now (its budgets are promised to other answers'
 * texts): the text is shown in whole messages instead, for the rest of it.
 */
export class BudgetBusyError extends Error {
  constructor(reason = 'the budget for growing texts is taken') {
    super(reason);
    this.name = 'BudgetBusyError';
  }
}

/** Why a waiting intermediate update was called off: the final text goes instead. */
class Superseded extends Error {
  constructor() {
    super('superseded by the final text');
    this.name = 'Superseded';
  }
}

/** Why a waiting edit was called off: its message's text became complete, so it goes in a higher lane. */
class Raised extends Error {
  constructor() {
    super('its text is complete now');
    this.name = 'Raised';
  }
}

export interface LiveTextOptions<Handle = unknown> {
  /** The platform's limit for one message's content. */
  maxLength: number;
  /** A message is edited at most this often while the text streams (when no plan stretches it). */
  minEditIntervalMs: number;
  /** Render planning: read before each intermediate flush (default: edits at `minEditIntervalMs`). */
  plan?: (current: TextPlan['mode']) => TextPlan;
  /** The mode the text starts in (default: edits). */
  mode?: TextPlan['mode'];
  /** The plan's mode changed (for logs and metrics). */
  onMode?: (from: TextPlan['mode'], to: TextPlan['mode']) => void;
  /**
   * Messages an earlier process already posted for this text (an answer resumed after a restart):
   * they are edited to show the text, in order, before anything new is posted.
   */
  existing?: readonly Handle[];
  /** Told the full list of messages whenever it changes (a post, a replacement, a removal). */
  onPosted?: (handles: readonly Handle[]) => void;
  /** A call that shows text succeeded (the first one: the first text is visible). */
  onShown?: () => void;
  now?: () => number;
}

interface Posted<Handle> {
  handle: Handle;
  content: string;
}

/**
 * One streaming answer as a series of platform messages, paced by render planning: while the budgets
 * allow (`edit`), the first text posts a message and later text edits it at most once per interval;
 * when they are busy (`whole`), each message is posted once its text is complete (the first one early
 * when a first post is cheap). Never more than one call is under way or waiting, and each carries the
 * latest text when its turn comes, so updates are coalesced, not queued. When the text outgrows one
 * message it is split at a natural boundary and continues in the next. `finish` calls off a waiting
 * update and always delivers the exact final text, in the budgets' final lane.
 */
export class LiveText<Handle> {
  private text = '';
  private readonly posted: Posted<Handle>[] = [];
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  /** Calls off the flush scheduled (undefined: none is). */
  private cancelScheduled: (() => void) | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private waiting: AbortController | undefined;
  /** The message the waiting call is for. */
  private waitingIndex = -1;
  private finished = false;
  private mode: TextPlan['mode'];
  /** The place refused a growing text (BudgetBusyError): whole messages from then on. */
  private wholeOnly = false;
  /** Streaming flushes that failed in a row. */
  private failures = 0;
  private readonly now: () => number;

  constructor(
    private readonly target: MessageTarget<Handle>,
    private readonly options: LiveTextOptions<Handle>,
  ) {
    this.now = options.now ?? Date.now;
    this.mode = options.mode ?? 'edit';
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
    this.cancelScheduled?.();
    this.cancelScheduled = undefined;
    this.text = finalText;
    // An update waiting for its turn is dropped: the final text goes in its place, in the final lane.
    this.waiting?.abort(new Superseded());
    await this.flushing.catch(() => undefined);
    await this.flush('final');
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

  private plan(): TextPlan {
    const planned = this.options.plan?.(this.mode) ?? {
      mode: 'edit',
      intervalMs: this.options.minEditIntervalMs,
      firstEarly: true,
    };
    const plan: TextPlan = this.wholeOnly ? { ...planned, mode: 'whole', firstEarly: false } : planned;
    if (plan.mode !== this.mode) {
      this.options.onMode?.(this.mode, plan.mode);
      this.mode = plan.mode;
    }
    return plan;
  }

  private schedule(): void {
    if (this.cancelScheduled) return;
    // After failed flushes (a platform outage, a lost permission) wait longer each time, so that a
    // stream that cannot be shown does not keep calling; `finish` still makes the final attempt.
    const interval = Math.min(MAX_RETRY_INTERVAL_MS, this.plan().intervalMs * 2 ** this.failures);
    const wait = Math.max(0, this.lastFlushAt + interval - this.now());
    const flushNow = () => {
      this.cancelScheduled = undefined;
      this.raiseWaiting();
      this.flushing = this.flushing
        .then(() => this.flush('intermediate'))
        .then(
          () => {
            this.failures = 0;
          },
          (error: unknown) => {
            if (!(error instanceof Superseded)) this.failures += 1;
          },
        )
        .then(() => {
          // Text that arrived during the flush goes out at the next turn.
          if (!this.finished && this.behind()) this.schedule();
        });
    };
    this.cancelScheduled = runAfter(wait, flushNow);
  }

  /**
   * An edit waiting in the update lane for a message whose text has since become complete (another
   * message follows it) is called off and made again with first texts, so that a busy budget does not
   * leave it behind intermediate edits until the end.
   */
  private raiseWaiting(): void {
    const index = this.waitingIndex;
    if (!this.waiting || index < 0 || this.text.length <= (index + 1) * (this.options.maxLength / 2)) return;
    if (index < this.chunks().length - 1) this.waiting.abort(new Raised());
  }

  private chunks(): string[] {
    return this.text.trim().length === 0 ? [] : splitMessage(this.text, this.options.maxLength);
  }

  /** True when the messages do not show all of the text yet. */
  private behind(): boolean {
    const chunks = this.chunks();
    return chunks.length !== this.posted.length || chunks.some((c, i) => this.posted[i]?.content !== c);
  }

  /** How many of the messages an intermediate flush may bring up to date now. */
  private shownNow(count: number): number {
    const plan = this.plan();
    if (plan.mode === 'edit') return count;
    // Whole messages only: all but the last, which still grows; the first early when that is cheap.
    const early = plan.firstEarly && this.posted.length === 0 ? 1 : 0;
    return Math.max(count - 1, early);
  }

  /** Makes the platform messages show the text (up to what the plan allows): edits what changed, posts what is new. */
  private async flush(kind: 'intermediate' | 'final'): Promise<void> {
    this.lastFlushAt = this.now();
    const since = this.lastFlushAt;
    const final = kind === 'final';
    const limit = final ? Number.POSITIVE_INFINITY : this.shownNow(this.chunks().length);
    for (let index = 0; index < limit; index++) {
      const chunks = this.chunks();
      const chunk = chunks[index];
      if (chunk === undefined) break;
      const existing = this.posted[index];
      if (existing && existing.content === chunk) continue;
      // A message whose text is complete (another follows it) will not change again: it goes with
      // first texts, never behind intermediate edits (and never dropped).
      const complete = index < chunks.length - 1;
      const priority: CallPriority = final
        ? 'final'
        : complete || this.posted.length === 0
          ? 'first'
          : 'update';
      const waiting = final ? undefined : new AbortController();
      this.waiting = waiting;
      this.waitingIndex = priority === 'update' ? index : -1;
      // The latest text when the turn comes (the final text does not change any more).
      let sent = chunk;
      const content = () => {
        sent = this.chunks()[index] ?? chunk;
        return sent;
      };
      const call: TextCall = {
        priority,
        since,
        growing: !final && !complete,
        ...(waiting && { signal: waiting.signal }),
      };
      try {
        if (!existing) {
          this.posted.push({ handle: await this.target.post(content, { ...call, index }), content: sent });
          this.reportPosted();
        } else {
          await this.target.edit(existing.handle, content, call);
          existing.content = sent;
        }
        this.options.onShown?.();
      } catch (error) {
        if (waiting?.signal.reason instanceof Raised && error === waiting.signal.reason) {
          index -= 1; // the same message again, in the higher lane now
          continue;
        }
        if (error instanceof BudgetBusyError && !final) {
          this.wholeOnly = true;
          this.plan(); // tells of the change of mode
          return;
        }
        if (!(error instanceof MessageGoneError) || !existing) throw error;
        // The message was deleted or froze: this part and everything after it go into new messages.
        this.posted.splice(index);
        this.posted.push({ handle: await this.target.post(content, call), content: sent });
        this.reportPosted();
      } finally {
        if (this.waiting === waiting) this.waiting = undefined;
      }
    }
    if (!final) return;
    const extras = this.posted.splice(this.chunks().length);
    if (extras.length > 0) this.reportPosted();
    for (const extra of extras) {
      await (this.target.remove?.(extra.handle) ??
        this.target.edit(extra.handle, () => '…', { priority: 'final' }));
    }
  }

  private reportPosted(): void {
    this.options.onPosted?.(this.handles);
  }
}
