import type { ConversationKey } from '../core/conversation.js';

/**
 * The one place that knows how records are laid out in the store. Keys are relative to the store's
 * namespace (keyv and the drivers add the prefix). Variable parts go last, so that conversation keys
 * (which contain ':') never make two layouts collide.
 */
export const storeKeys = {
  /** Conversation key -> `ThreadRecord`. */
  thread: (key: ConversationKey) => `thread:${key}`,
  /** A set of the conversation keys that have a thread record, so threads can be listed on any store. */
  threadIndex: () => 'threads',
  /** Assistant name -> `AssistantRecord`. */
  assistant: (name: string) => `assistant:${name}`,
  /**
   * Conversation key -> in-flight `RunRecord`, one per conversation: the layout before records were
   * kept per turn. Only read (and cleared) now, so that runs an older version left are still resumed.
   */
  run: (key: ConversationKey) => `run:${key}`,
  /** A set of the conversation keys that have a per-conversation (older layout) run record. */
  runIndex: () => 'runs',
  /**
   * One turn's in-flight `RunRecord`. The turn id (a UUID, no ':') comes first: it never equals a
   * platform name, so these keys never collide with the older `run:<conversation>` ones.
   */
  turnRun: (turnId: string, key: ConversationKey) => `run:${turnId}:${key}`,
  /** A set of `<turnId>:<conversation key>` for every turn with a run record, to list them on any store. */
  turnRunIndex: () => 'run-turns',
  /** A set of the turn ids of one conversation that have a run record. */
  conversationTurns: (key: ConversationKey) => `run-turns:${key}`,
  /** Who runs the conversation now: a lease held by one instance while it has work there. */
  conversationLease: (key: ConversationKey) => `lease:conversation:${key}`,
  /** Messages handed over to the instance that holds the conversation's lease, oldest first. */
  handoff: (key: ConversationKey) => `handoff:${key}`,
  /** A set of the conversation keys that may have handed-over messages waiting. */
  handoffIndex: () => 'handoffs',
  /**
   * Messages of the conversation some instance has received but no turn has taken yet, as
   * `[order, id]` JSON: the lease holder waits for the earlier ones before starting a turn.
   */
  arrivals: (key: ConversationKey) => `arrivals:${key}`,
  /** The pub/sub channel an instance listens on for signals (stop, reset, wake-ups) from the others. */
  signalChannel: (instance: string) => `signals:${instance}`,
  /** Approval id -> `ApprovalRecord`. */
  approval: (id: string) => `approval:${id}`,
  /** The mark that makes an approval's decision once-only. */
  approvalDecided: (id: string) => `approval-decided:${id}`,
  /** A set of one conversation's approval ids, to forget them when its turn ends. */
  approvalIndex: (key: ConversationKey) => `approvals:${key}`,
  /** A chat thread the bot owns or follows -> `FollowRecord`. */
  follow: (key: ConversationKey) => `follow:${key}`,
  /** Requests by one subject in one fixed window. */
  rateLimit: (subject: string, windowMs: number, window: number) =>
    `ratelimit:${windowMs}:${window}:${subject}`,
  /** A set of one web chat user's conversation ids. */
  webConversations: (user: string) => `web-conversations:${user}`,
  /** One web chat conversation's `WebConversationRecord` (the id has no ':'). */
  webConversation: (user: string, id: string) => `web-conversation:${id}:${user}`,
  /** Who a web chat conversation belongs to, by its id. */
  webOwner: (id: string) => `web-owner:${id}`,
  /** A web chat conversation's event log. */
  webLog: (key: ConversationKey) => `web-log:${key}`,
  /** A file shown in a web chat conversation (the file id has no ':'). */
  webFile: (key: ConversationKey, fileId: string) => `web-file:${fileId}:${key}`,
  /** A set of the file ids of one web chat conversation, to forget them with it. */
  webFiles: (key: ConversationKey) => `web-files:${key}`,
  /** A processed-event mark, with a TTL. */
  dedupe: (mark: string) => `dedupe:${mark}`,
  /** Counters for one user on one UTC day. */
  userUsage: (userId: string, day: Date) => `usage:user:${utcDay(day)}:${userId}`,
  /** Counters for one conversation on one UTC day. */
  conversationUsage: (key: ConversationKey, day: Date) => `usage:conversation:${utcDay(day)}:${key}`,
} as const;

/** `YYYY-MM-DD` of the UTC day `at` falls in. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
