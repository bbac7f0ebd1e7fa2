import type { ReplyEvent } from './reply-events.js';

/**
 * What has been posted of one answer, kept in the store while its run is in flight, so that the
 * answer can be finished in place after a crash. A part is a piece of the answer the renderer names
 * itself (`text:<messageId>`, `tool:<callId>`, `file:<name>`...); its value is the platform message
 * ids that show it.
 */
export interface AnswerJournal {
  /** What an earlier process already posted for this answer (empty for a new answer). */
  readonly posted: Readonly<Record<string, readonly string[]>>;
  /** Notes that `part` is now shown by these platform messages (replaces what was noted before). */
  record(part: string, messageIds: readonly string[]): void;
  /**
   * Names this answer the same in every process that works on it (the turn): with a part and a piece,
   * the key a post carries so that a post repeated after a crash is recognised (see `CallOptions.key`
   * in adapters/kit/chat-surface.ts). Absent: posts carry no key.
   */
  readonly answerId?: string | undefined;
  /**
   * An earlier process worked on this answer (it crashed or stopped): its run record, written before
   * anything was posted, is the word that keyed posts of this answer may be on the platform already.
   */
  readonly resumed?: boolean;
}

/** A journal that remembers nothing: for answers that need no resumption (the console, one-off notices). */
export const NO_JOURNAL: AnswerJournal = { posted: {}, record: () => undefined };

/**
 * What an adapter gives the orchestrator: a way to show one run's reply events at the address the
 * adapter put in the message's `replyTo`. The promise settles when everything is on the platform.
 * A renderer that resumes answers reads `journal.posted` to edit what is already there instead of
 * posting it again, and records every message it posts.
 */
export interface ReplyRenderer {
  render(
    replyTo: Readonly<Record<string, string>>,
    events: AsyncIterable<ReplyEvent>,
    journal?: AnswerJournal,
  ): Promise<void>;
}
