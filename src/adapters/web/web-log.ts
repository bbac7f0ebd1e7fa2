import { EventEmitter } from 'node:events';
import type { ConversationKey } from '../../core/conversation.js';
import type { NoticeTone } from '../kit/chat-surface.js';

/*
 * A web conversation is its event log: everything the page shows is an event with a position, and
 * the page rebuilds the conversation by applying them in order. Edits, appends and removals are
 * events too, so a page that reconnects with the last position it saw (SSE's Last-Event-ID) gets
 * exactly what it missed, once, and two tabs on one conversation read the same log.
 */

/** A file shown in the conversation; its bytes are at `files/<id>`. */
export interface WebFileRef {
  id: string;
  name: string;
  mimeType: string;
  size: number;
}

/** What one message of the conversation is; the page gives each its look. */
export type WebMessage =
  /** A piece of the answer (Markdown). */
  | { kind: 'answer'; text: string }
  /** A tool call (Markdown), with long code or output as files beside it. */
  | { kind: 'tool'; text: string; files: WebFileRef[] }
  | { kind: 'notice'; text: string; tone: NoticeTone | 'plain' }
  /** A tool call waiting for a decision; `outcome` once decided. */
  | {
      kind: 'approval';
      approvalId: string;
      tool: string;
      arguments: string;
      expiresAt: number;
      outcome?: string;
    }
  /** A file the assistant made: pictures are shown, other files offered for download. */
  | { kind: 'file'; file: WebFileRef };

/** One event of the log. */
export type WebEvent =
  /** The user's message, with the names of the files they attached. */
  | { type: 'user'; id: string; text: string; files: string[]; at: number }
  | { type: 'post'; id: string; message: WebMessage; at: number }
  | { type: 'edit'; id: string; message: WebMessage }
  /** More streamed text for answer `id`. */
  | { type: 'append'; id: string; delta: string }
  | { type: 'remove'; id: string }
  /** An answer started (`true`: the Stop button shows) or ended. */
  | { type: 'running'; running: boolean }
  /** A progress line of the running answer ("Running code…"). */
  | { type: 'status'; text: string };

/** An event with its position in the log (the SSE event id). */
export interface LoggedEvent {
  position: number;
  event: WebEvent;
}

/** What the log is kept in: the store's web chat records. */
export interface LogStore {
  append(key: ConversationKey, event: string): Promise<number>;
  events(key: ConversationKey, after: number, limit: number): Promise<{ position: number; event: string }[]>;
}

/** Events read from the store at once when a page catches up. */
const READ_BATCH = 500;

/**
 * The conversations' logs: appends go to the store (shared by every instance, kept across restarts)
 * and wake this process's readers at once. Readers on other instances notice on their next poll.
 */
export class WebLog {
  private readonly appended = new EventEmitter().setMaxListeners(0);

  constructor(private readonly store: LogStore) {}

  async append(key: ConversationKey, event: WebEvent): Promise<number> {
    const position = await this.store.append(key, JSON.stringify(event));
    this.appended.emit(key, position);
    return position;
  }

  /** Events after `after`, in order, one batch at a time. */
  async read(key: ConversationKey, after: number): Promise<LoggedEvent[]> {
    const entries = await this.store.events(key, after, READ_BATCH);
    return entries.map(({ position, event }) => ({ position, event: JSON.parse(event) as WebEvent }));
  }

  /** Calls `listener` whenever this process appends to `key`'s log; returns the unsubscribe. */
  watch(key: ConversationKey, listener: () => void): () => void {
    this.appended.on(key, listener);
    return () => this.appended.off(key, listener);
  }
}
