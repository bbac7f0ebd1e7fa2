import type { AnswerPlace, CallPriority, StreamedText } from './chat-surface.js';
import { LiveText } from './live-text.js';

/**
 * One answer text (`text:<messageId>`) however the platform shows it: natively streamed where the
 * place offers it, else posted and edited as it grows (LiveText, split at the platform's limit).
 * Messages already posted for it before a restart are edited in place.
 */
export class TextPart {
  private streamed = '';
  private done = false;
  private readonly shown: StreamedText;

  constructor(
    place: AnswerPlace,
    options: {
      maxLength: number;
      editIntervalMs: number;
      /** What an earlier process posted for this text: finished in place, by edits. */
      existing: readonly string[];
      onPosted: (ids: readonly string[]) => void;
    },
  ) {
    const stream = options.existing.length === 0 ? place.streamText?.(options.onPosted) : undefined;
    this.shown = stream ?? editedText(place, options);
  }

  append(delta: string): void {
    if (this.done) return;
    this.streamed += delta;
    this.shown.append(delta);
  }

  /** The final text replaces what streamed; an empty final keeps what streamed (if anything). */
  async finish(finalText: string): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (finalText.trim() === '' && this.streamed.trim() === '') return this.shown.close();
    await this.shown.finish(finalText || this.streamed);
  }

  /** The run ended without a final version: what streamed stays as it is. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.shown.close();
  }
}

/** Text shown by posting and editing answer messages, paced by the place's own budgets. */
export function editedText(
  place: AnswerPlace,
  options: {
    maxLength: number;
    editIntervalMs: number;
    existing?: readonly string[];
    onPosted?: (ids: readonly string[]) => void;
  },
): StreamedText {
  let first = true;
  const live: LiveText<string> = new LiveText<string>(
    {
      post: (text): Promise<string> => {
        const priority: CallPriority = live.finishing ? 'final' : first ? 'first' : 'update';
        first = false;
        return place.post({ kind: 'answer', text }, priority);
      },
      edit: (id, text) => place.edit(id, { kind: 'answer', text }, live.finishing ? 'final' : 'update'),
      remove: (id) => place.remove(id),
    },
    {
      maxLength: options.maxLength,
      minEditIntervalMs: options.editIntervalMs,
      ...(options.existing ? { existing: options.existing } : {}),
      ...(options.onPosted ? { onPosted: options.onPosted } : {}),
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
