import type { LimitsConfig, ToolDisplay } from '../../../src/config/types.js';
import type { FakeOpenAI } from '../../../src/model-server/index.js';
import type { FunctionTool } from '../../../src/tools/index.js';

/**
 * A platform's test driver: the whole bot on that platform (its fake server, the real adapter, the
 * real orchestrator and store, the fake model server), driven only as people and the platform drive
 * it, and observed only through what the platform's fake recorded. The adapter contract suite
 * (../adapter.contract.int.test.ts) runs the same scenarios over every driver; a new platform is one
 * driver file and one line in the suite's `DRIVERS`.
 */
export interface PlatformDriver {
  /** Shown in the suite's names: "Discord", "Slack (HTTP)"... */
  readonly name: string;
  /** What people cannot do on this platform, each with the reason; the scenarios needing it are skipped. */
  readonly cannot: Readonly<Partial<Record<Capability, string>>>;
  /** The longest message the platform shows, in characters (absent when it `cannot` messageLimit). */
  readonly messageLength?: number;
  /** Starts the bot on this platform; the caller closes it. */
  start(options: DriverOptions): Promise<AdapterDriver>;
}

/** Things a scenario needs that not every platform has. */
export type Capability =
  /** Someone besides the asker: a stranger who may not decide, an approver who may. */
  | 'people'
  /** A message sent while an answer is being written (the console reads the next line after it). */
  | 'queue'
  /** Stopping the answer being written. */
  | 'cancel'
  /** The platform delivering an event again (a retry, a gateway replay). */
  | 'redelivery'
  /** Files attached to a question. */
  | 'attachments'
  /** TOOL_DISPLAY: how much of the tools' work is shown. */
  | 'toolDisplay'
  /** A longest message: long answers are split, long code and output attached as files. */
  | 'messageLimit'
  /** RATE_LIMIT_PER_USER_PER_MINUTE and the daily budgets hold people to account. */
  | 'limits';

/** How the bot under test is configured, beyond each platform's test defaults. */
export interface DriverOptions {
  /** Function tools offered besides the built-in ones (e.g. one that needs approval). */
  tools?: readonly FunctionTool[];
  /** APPROVAL_TIMEOUT_MS. */
  approvalTimeoutMs?: number;
  /** RATE_LIMIT_PER_USER_PER_MINUTE and the daily budgets. */
  limits?: LimitsConfig;
  /** TOOL_DISPLAY (default full). */
  toolDisplay?: ToolDisplay;
  /** MAX_ATTACHMENT_MB, in bytes. */
  maxAttachmentBytes?: number;
}

/** Who acts: the person who asked, someone not allowed to decide, or an approver. */
export type Person = 'asker' | 'stranger' | 'approver';

/** A file a person attaches to a question. */
export interface FileInput {
  name: string;
  bytes: Uint8Array;
  mimeType: string;
  /** The size the platform is told (default: the real size), to test a lying declaration. */
  declaredSize?: number;
}

/** The bot under test on one platform. */
export interface AdapterDriver {
  /** The fake model server: its script is the model. */
  readonly model: FakeOpenAI;
  /** The asker mentions the bot in a channel; resolves once the bot took the question. */
  ask(text: string, options?: { files?: readonly FileInput[] }): Promise<Conversation>;
  /** Stops the adapter and starts a new one on the same store, as a restarted process would. */
  restart(): Promise<void>;
  /** Resolves with `probe()`'s first truthy value, re-checked whenever the platform's fake records a change. */
  waitFor<T>(probe: () => T | undefined | null | false, what: string): Promise<T>;
  /** Resolves once no answer is being written or waiting. */
  idle(): Promise<void>;
  /** How the bot names a person in a message (a mention), on a platform with `people`. */
  mention(who: Person): string;
  /** How many times the bot fetched a file of this name that a person attached. */
  downloads(name: string): number;
  /** Broken platform rules the fake recorded (invalid calls, messages over limits, open code blocks). */
  brokenRules(): string[];
  close(): Promise<void>;
}

/** One conversation: the thread a question opened (a DM, a console session). */
export interface Conversation {
  /** What the bot shows there now. */
  shown(): Shown;
  /** The asker writes in the conversation (no mention needed); resolves once the bot took the message. */
  say(text: string): Promise<void>;
  /** The asker stops the answer being written; resolves once the bot acted on it. */
  cancel(): Promise<void>;
  /** The asker starts the conversation over; resolves with what the bot told them. */
  reset(): Promise<string>;
  /**
   * `who` answers the open approval prompt; resolves once the bot dealt with the click, with what it
   * told the clicker privately, if anything.
   */
  decide(approve: boolean, who: Person): Promise<string | undefined>;
  /** The platform delivers the last message again; resolves once the bot dealt with the copy. */
  redeliver(): Promise<void>;
}

/** What the bot shows in a conversation, as people see it. */
export interface Shown {
  /** The bot's messages everyone sees, oldest first, as they read now. */
  posts: readonly Post[];
  /** The posts' text, joined by newlines (empty texts left out). */
  text: string;
  /** Every file the bot shared there, oldest first. */
  files: readonly SharedFile[];
  /** Tool calls waiting for a decision, or decided. */
  approvals: readonly ApprovalPrompt[];
}

export interface Post {
  text: string;
  files: readonly SharedFile[];
}

export interface SharedFile {
  name: string;
  bytes: Uint8Array;
}

export interface ApprovalPrompt {
  /** The prompt and, once decided, how. */
  text: string;
  /** Still waiting for a decision (its buttons are there). */
  open: boolean;
}

/** A `Shown` from its posts and approval prompts. */
export function shownOf(posts: readonly Post[], approvals: readonly ApprovalPrompt[] = []): Shown {
  return {
    posts,
    text: posts
      .map((p) => p.text)
      .filter((t) => t !== '')
      .join('\n'),
    files: posts.flatMap((p) => p.files),
    approvals,
  };
}
