import type { AnswerPlace, CallOptions, StreamedText } from './chat-surface.js';
import { LiveText } from './live-text.js';
import { planText, type TextStrategy } from './render-plan.js';

/** What names one post across processes (see `CallOptions.key`). */
export type PostKey = Pick<CallOptions, 'key' | 'mayExist'>;

/** What a text part reports: how it is shown, and when its text became visible. */
export interface TextWatch {
  /** The strategy a text started with, or changed to (`from` undefined: the start). */
  strategy(to: TextStrategy, from?: TextStrategy): void;
  /** The text became visible: `first` ms after its first token, `final` ms after its last. */
  shown(phase: 'first' | 'final', ms: number): void;
}

/** What a text part is built with. */
export interface TextPartOptions {
  maxLength: number;
  editIntervalMs: number;
  /** What an earlier process posted for this text: finished in place, by edits. */
  existing: readonly string[];
  onPosted: (ids: readonly string[]) => void;
  /** Keys the text's posts by their place in its series of messages (see `CallOptions.key`). */
  keyOf?: (index: number) => PostKey;
  watch?: TextWatch;
  now?: () => number;
}

/**
 * One answer text (`text:<messageId>`) however the platform shows it, chosen when its first text
 * comes (render planning, kit/render-plan.ts): natively streamed where the place can start a stream
 * at once, else posted and edited as it grows or posted in whole messages, as the budgets allow now
 * (LiveText, split at the platform's limit). Messages already posted for it before a restart are
 * edited in place.
 */
export class TextPart {
  private streamed = '';
  private done = false;
  private shown: StreamedText | undefined;
  private firstAt: number | undefined;
  private seenAt: number | undefined;
  private readonly now: () => number;

  constructor(
    private readonly place: AnswerPlace,
    private readonly options: TextPartOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  append(delta: string): void {
    if (this.done) return;
    this.firstAt ??= this.now();
    this.streamed += delta;
    this.show().append(delta);
  }

  /** The final text replaces what streamed; an empty final keeps what streamed (if anything). */
  async finish(finalText: string): Promise<void> {
    if (this.done) return;
    this.done = true;
    const endedAt = this.now();
    this.firstAt ??= endedAt;
    // Only a text that streamed is worth a native stream; a whole text is one post.
    const shown = this.shown ?? this.show(false);
    if (finalText.trim() === '' && this.streamed.trim() === '') return shown.close();
    await shown.finish(finalText || this.streamed);
    this.options.watch?.shown('final', this.now() - endedAt);
  }

  /** The run ended without a final version: what streamed stays as it is. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.shown?.close();
  }

  /** Settles once the tidying up after the text (ending a stream) is done. */
  async settled(): Promise<void> {
    await this.shown?.tidied?.();
  }

  private show(streaming = true): StreamedText {
    if (this.shown) return this.shown;
    const { place, options } = this;
    const onPosted = (ids: readonly string[]) => {
      this.visible();
      options.onPosted(ids);
    };
    // A text an earlier process may have begun is finished in messages found by their keys, never
    // in a new stream.
    const fresh = options.existing.length === 0 && options.keyOf?.(0).mayExist !== true;
    const stream =
      streaming && fresh ? place.streamText?.(onPosted, (to) => this.switched('stream', to)) : undefined;
    if (stream) {
      options.watch?.strategy('stream');
      this.shown = stream;
      return stream;
    }
    const mode = planText(place.textBudgets?.(), options.editIntervalMs).mode;
    options.watch?.strategy(mode);
    this.shown = editedText(place, {
      maxLength: options.maxLength,
      editIntervalMs: options.editIntervalMs,
      existing: options.existing,
      mode,
      onPosted,
      ...(options.keyOf && { keyOf: options.keyOf }),
      onShown: () => this.visible(),
      onMode: (from, to) => this.switched(from, to),
    });
    return this.shown;
  }

  private switched(from: TextStrategy, to: TextStrategy): void {
    this.options.watch?.strategy(to, from);
  }

  private visible(): void {
    if (this.seenAt !== undefined) return;
    this.seenAt = this.now();
    this.options.watch?.shown('first', this.seenAt - (this.firstAt ?? this.seenAt));
  }
}

/** What edited text is built with. */
export interface EditedTextOptions {
  maxLength: number;
  editIntervalMs: number;
  existing?: readonly string[];
  /** The mode planned when the text starts (default: edits). */
  mode?: 'edit' | 'whole';
  onPosted?: (ids: readonly string[]) => void;
  onShown?: () => void;
  onMode?: (from: 'edit' | 'whole', to: 'edit' | 'whole') => void;
  keyOf?: (index: number) => PostKey;
}

/** Text shown by posting and editing answer messages, paced by render planning over the place's budgets. */
export function editedText(place: AnswerPlace, options: EditedTextOptions): StreamedText {
  const live: LiveText<string> = new LiveText<string>(
    {
      post: (text, { index, ...call }) => {
        const key = index === undefined ? {} : options.keyOf?.(index);
        return place.post(() => ({ kind: 'answer', text: text() }), call.priority, { ...call, ...key });
      },
      edit: (id, text, call) => place.edit(id, () => ({ kind: 'answer', text: text() }), call.priority, call),
      remove: (id) => place.remove(id),
    },
    {
      maxLength: options.maxLength,
      minEditIntervalMs: options.editIntervalMs,
      plan: (current) => planText(place.textBudgets?.(), options.editIntervalMs, current),
      ...(options.mode && { mode: options.mode }),
      ...(options.onMode && { onMode: options.onMode }),
      ...(options.existing && { existing: options.existing }),
      ...(options.onPosted && { onPosted: options.onPosted }),
      ...(options.onShown && { onShown: options.onShown }),
    },
  );
  let text = '';
  return {
    append(delta) {
      text += delta;
      live.append(delta);
    },
    async finish(finalText) {
      text = finalText;
      await live.finish(finalText);
    },
    async close() {
      await live.finish(text);
    },
  };
}
