import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { AnswerJournal } from '../../core/renderer.js';
import type { Citation } from '../../core/reply-events.js';
import type { ApprovalRequested } from '../../render/approval-view.js';

/*
 * The port between the kit's renderer and a chat platform. The renderer decides what an answer
 * shows and when (texts, tool calls, files, notices, approvals, the journal); a surface decides how
 * it looks on its platform and makes the calls, each paced within the platform's budgets.
 */

/** A file to show in the thread: a generated chart or CSV, or a tool's long code or logs. */
export interface SurfaceFile {
  name: string;
  bytes: Uint8Array;
  mimeType: string;
}

/**
 * How urgent a call is when a budget is short: final text goes first, then the first text of a new
 * answer, then intermediate updates; `background` (typing, reactions, tidying up) only when nothing
 * else waits.
 */
export type CallPriority = 'final' | 'first' | 'update' | 'background';

/** What an answer's message calls may carry besides the message: cancellation, for late binding. */
export interface CallOptions {
  /** Aborted before the call's turn came: the call is not made (it rejects with the reason). */
  signal?: AbortSignal;
  /** When the work this call belongs to began (its place in the lane; see `AcquireOptions.since`). */
  since?: number;
  /**
   * An answer message whose text may still change (edits will follow). A place may refuse to start
   * one with `BudgetBusyError` (kit/live-text.ts) when its budgets are promised to other answers.
   */
  growing?: boolean;
  /**
   * Names a post the same in every process that makes it (the answer, the part, the piece): a post
   * whose message is already on the platform under this key (a process died before it could journal
   * the post) adopts that message, brought to this content, instead of posting it twice. Discord: an
   * enforced nonce made from it; Slack: message metadata. Posts only; none on a deliberate new post.
   */
  key?: string;
  /**
   * The keyed message may already be there (a resumed answer whose journal names the part): a platform
   * that cannot refuse a repeated post by itself (Slack) looks for it first. Never set on a new answer.
   */
  mayExist?: boolean;
}

/**
 * A message, or a function that gives it when the call's turn comes (so it carries the latest text).
 * A surface calls it when it sends, and never after: the last message it gave is what the kit records
 * as shown.
 */
export type MessageSource = SurfaceMessage | (() => SurfaceMessage);

/** The message of a source, taken now. */
export function messageOf(source: MessageSource): SurfaceMessage {
  return typeof source === 'function' ? source() : source;
}

/**
 * How busy the budgets an answer's text uses are right now: about how long a call in each lane would
 * wait for its turn (0: it would go at once). The kit's render planning reads it (kit/render-plan.ts).
 */
export interface TextBudgetState {
  /** A first text (the first post of a new answer). */
  firstWaitMs: number;
  /** An intermediate update (an edit while the text grows). */
  updateWaitMs: number;
}

/** What a notice is about: each platform marks it with its own emoji. */
export type NoticeTone = 'info' | 'warning' | 'stopped' | 'file';

/** What a message of an answer is; the surface gives each its platform's look. */
export type SurfaceMessage =
  /** A piece of the answer's text (Markdown), already within `limits.maxMessageLength`. */
  | { kind: 'answer'; text: string }
  /** A tool call as Markdown (render/tool-view.ts), with long code or logs as files beside it. */
  | { kind: 'tool'; text: string; files: readonly SurfaceFile[] }
  /** A short line outside the answer: information, a warning, that the run was stopped, about a file. */
  | { kind: 'notice'; text: string; tone: NoticeTone }
  /** A tool call waiting for a decision, with Approve and Deny; once decided, `outcome` replaces them. */
  | { kind: 'approval'; request: ApprovalRequested; outcome?: string };

/** What a platform can show in one message, and upload. */
export interface SurfaceLimits {
  maxMessageLength: number;
  /** Generated files larger than this get a note instead of an upload. */
  maxUploadBytes: number;
  /** Streaming text is edited into its message at most this often. */
  editIntervalMs: number;
}

/** Optional: text shown natively as it streams (Slack's chat streams) instead of by edits. */
export interface StreamedText {
  /** Streamed text; shown at the next paced append. */
  append(delta: string): void;
  /**
   * Shows exactly `finalText` and settles once the platform shows it; what only tidies up afterwards
   * (ending a stream) may still be on its way (`tidied`).
   */
  finish(finalText: string): Promise<void>;
  /** Ends the text as it stands (the run stopped before its final text). */
  close(): Promise<void>;
  /** Settles once the tidying up after `finish` or `close` is done too. */
  tidied?(): Promise<void>;
}

/** Optional: shows that a run is working (a typing indicator, a working line with a Stop button). */
export interface RunIndicator {
  /** The run started. Resolves with a message to journal as `working`, if the indicator posted one. */
  start(): Promise<string | undefined>;
  /** A progress line from the run ("Running code…"). */
  status(text: string): Promise<void>;
  /** A message of the answer was posted (Discord puts ⏹️ on the first). */
  posted(messageId: string): void;
  /** The run is over: the indicator goes. */
  stop(): Promise<void>;
}

/**
 * One answer's place on the platform (a thread, a DM): made by the surface from the `replyTo` the
 * adapter put in the message. Every call waits for its turn in the platform's budgets.
 */
export interface AnswerPlace {
  /** For log lines: where this is. */
  readonly logFields: Readonly<Record<string, string>>;
  post(message: MessageSource, priority: CallPriority, options?: CallOptions): Promise<string>;
  /**
   * Replaces a message. Throws `MessageGoneError` (kit/live-text.ts) when it can no longer be edited:
   * the text then continues in a new message.
   */
  edit(
    messageId: string,
    message: MessageSource,
    priority: CallPriority,
    options?: CallOptions,
  ): Promise<void>;
  remove(messageId: string): Promise<void>;
  /**
   * Uploads one file into the thread; resolves with the messages that show it. A platform that can
   * key an upload's message (Discord) takes `key` as for `post`.
   */
  upload(file: SurfaceFile, options?: Pick<CallOptions, 'key' | 'mayExist'>): Promise<string[]>;
  /**
   * Native streaming for one text part, when the platform's budgets allow one to start at once (never
   * queued for); undefined: the text is shown by post and edits. `onSwitch`: the stream could not go
   * on and the rest of the text is shown another way.
   */
  streamText?(
    onPosted: (ids: readonly string[]) => void,
    onSwitch?: (to: 'edit' | 'whole') => void,
  ): StreamedText | undefined;
  /**
   * How busy the budgets of this place's posts and edits are now; absent: never busy. What render
   * planning reads (`budgetState` in kit/render-plan.ts gives it for a single RateBudget); a platform
   * gets planning by giving this and passing each call's `CallOptions` on to `RateBudget.acquire`.
   */
  textBudgets?(): TextBudgetState;
  /**
   * Tells only the person who asked, without a new message in the channel (a reaction on their
   * message, an ephemeral reply): how a repeated refusal is shown. Absent: nothing is shown.
   */
  acknowledge?(text: string): Promise<void>;
  /** A run indicator for this answer (resumed: the journal of the run before a restart). */
  indicator?(journal: AnswerJournal): RunIndicator;
  /** A resumed answer's leftovers (open streams of a process that died) are tidied first. */
  resume?(journal: AnswerJournal): Promise<void>;
}

/** What the kit needs from a platform to render answers there. */
export interface ChatSurface {
  readonly platform: string;
  readonly limits: SurfaceLimits;
  readonly logger: Logger;
  /** The place for `replyTo`, or undefined when it names none (logged, and the answer dropped). */
  place(replyTo: Readonly<Record<string, string>>, key: ConversationKey): AnswerPlace | undefined;
  /** True when an error means the platform refuses this place for good (no access, channel gone). */
  isClosed(error: unknown): boolean;
  /** True when an upload was refused for lack of permission (the user gets a note instead). */
  isUploadRefused?(error: unknown): boolean;
  /** The sources under an answer, when the platform writes them differently from `formatFootnotes`. */
  footnotes?(citations: readonly Citation[]): string;
  /** Log fields that describe a platform error (never a token). */
  describe(error: unknown): Record<string, unknown>;
}
