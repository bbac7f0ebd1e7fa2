import type { BackendName } from '../core/backend-name.js';
import type { ConversationKey } from '../core/conversation.js';
import type { InboundMessage } from '../core/messages.js';
import type { Usage } from '../core/reply-events.js';

/** Conversation key -> assistant thread. */
export interface ThreadRecord {
  threadId: string;
  backend: BackendName;
  createdAt: number;
  lastUsedAt: number;
  /** Responses API in `previous_response` mode: the response the next one chains from. */
  lastResponseId?: string;
  /**
   * The assistant profile the conversation started with, by name: later turns use that profile's
   * current definition, whatever the mapping says by then (until /reset).
   */
  profile?: string;
}

/** The assistant object this bot created (Assistants API), and a hash of the config it was made from. */
export interface AssistantRecord {
  assistantId: string;
  configHash: string;
}

/** A run that has started and not yet ended: what is needed to pick it up after a crash. */
export interface RunRecord {
  key: ConversationKey;
  /**
   * The turn the run answers (a UUID): records are kept per turn, so a new turn in the conversation
   * never overwrites one a crashed instance left. Absent in records written by older versions.
   */
  turnId?: string;
  backend: BackendName;
  threadId: string;
  runId: string;
  /** Backend stream position (Responses: last sequence_number). */
  position?: string;
  messageIds: readonly string[];
  /** Who asked (the last message of the batch): usage is counted for them. */
  userId: string;
  replyTo: Readonly<Record<string, string>>;
  startedAt: number;
  /**
   * What has been posted of the answer, by part (see `AnswerJournal`), so that a resumed run edits
   * what is there rather than posting it again.
   */
  posted?: Readonly<Record<string, readonly string[]>>;
}

/** What became of a tool call that waited for approval. */
export type ApprovalDecision =
  | { outcome: 'approved' | 'denied'; by: string; at: number }
  /** Nobody decided within the approval timeout: counts as denied. */
  | { outcome: 'timeout'; at: number }
  /** The run was stopped (cancelled, timed out) while the call waited. */
  | { outcome: 'cancelled'; at: number };

/**
 * A tool call waiting for (or given) a person's decision: a function tool marked `require_approval`,
 * or an MCP call the model service asked approval for. Kept until the turn ends, so a restart finds it.
 */
export interface ApprovalRecord {
  /** Derived from the conversation and the call id: the same call always gets the same approval. */
  id: string;
  key: ConversationKey;
  /** The function call id, or the MCP approval request id. */
  callId: string;
  tool: string;
  /** MCP calls: the server's label. */
  server?: string;
  /** The model's raw JSON arguments. */
  arguments: string;
  /** The user whose message the run answers: they may decide, as may the configured approvers. */
  requesterId: string;
  requestedAt: number;
  /** No decision by then counts as denied. */
  expiresAt: number;
  decision?: ApprovalDecision;
}

/** Token totals for one day (UTC). */
export interface UsageTotals extends Usage {
  runs: number;
}

export interface ThreadRepository {
  get(key: ConversationKey): Promise<ThreadRecord | undefined>;
  set(key: ConversationKey, record: ThreadRecord): Promise<void>;
  delete(key: ConversationKey): Promise<void>;
  /** Every conversation that has a thread record, with it (for the idle-conversation sweep). */
  list(): Promise<Array<{ key: ConversationKey; record: ThreadRecord }>>;
}

export interface AssistantRepository {
  get(name: string): Promise<AssistantRecord | undefined>;
  set(name: string, record: AssistantRecord): Promise<void>;
}

export interface RunRepository {
  /** The conversation's oldest unfinished run, if any. */
  get(key: ConversationKey): Promise<RunRecord | undefined>;
  /** Every unfinished run of the conversation, oldest first. */
  forConversation(key: ConversationKey): Promise<RunRecord[]>;
  /** Records (or updates) the run of `record.turnId`; other turns' records are left alone. */
  set(record: RunRecord): Promise<void>;
  /** Forgets the run of that turn; without a turn id, the conversation's record of the older layout. */
  delete(key: ConversationKey, turnId?: string): Promise<void>;
  /** Every run recorded as in flight, oldest first (for start-up and the take-over sweep). */
  list(): Promise<RunRecord[]>;
}

export interface DedupeRepository {
  /**
   * Marks `mark` as processed and returns true, or returns false if it was already marked (by this or
   * another instance sharing the store). Atomic on Redis. Marks expire after `ttlMs`. `holder` names
   * the one delivery claiming it: the same holder claiming again (after a claim that failed on an
   * unreachable store) gets true if its earlier claim went through. A new holder when absent.
   */
  claim(mark: string, ttlMs: number, holder?: string): Promise<boolean>;
  /**
   * Claims `mark` in this process's memory only, for when the store cannot be reached: false when
   * another holder here claimed it already (another delivery of the same message is being taken).
   */
  claimHere(mark: string, ttlMs: number, holder: string): boolean;
}

export interface UsageRepository {
  /** Adds one run's tokens to the conversation's and the user's totals for the UTC day of `at`. */
  record(key: ConversationKey, userId: string, usage: Usage, at: Date): Promise<void>;
  forUser(userId: string, day: Date): Promise<UsageTotals>;
  forConversation(key: ConversationKey, day: Date): Promise<UsageTotals>;
}

/** A chat thread the bot answers without being mentioned: since when, and who started it. */
export interface FollowRecord {
  since: number;
  /** The user whose mention or command started it. */
  startedBy: string;
}

export interface FollowRepository {
  get(key: ConversationKey): Promise<FollowRecord | undefined>;
  follow(key: ConversationKey, record: FollowRecord): Promise<void>;
  unfollow(key: ConversationKey): Promise<void>;
}

export interface RateLimitRepository {
  /**
   * Counts one request by `subject` in the fixed window of `windowMs` that `at` falls in, and returns
   * how many it has made in that window so far (this one included). Shared by all instances.
   */
  hit(subject: string, windowMs: number, at: Date): Promise<number>;
}

/**
 * The lease that makes one instance at a time run a conversation, when several share the store. The
 * holder extends it while it works; a crashed holder's lease expires after its TTL.
 */
export interface ConversationLeaseRepository {
  /** Takes the lease for `owner`, or extends it if `owner` holds it; false when another instance does. */
  hold(key: ConversationKey, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, if `owner` still holds it. */
  release(key: ConversationKey, owner: string): Promise<void>;
  /** The instance holding the lease now; undefined when none does. */
  holder(key: ConversationKey): Promise<string | undefined>;
}

/**
 * Messages that reached some instance and that no turn has taken yet, with their order (platform
 * time, else arrival): the lease holder waits for earlier ones still on their way before a turn.
 */
export interface ArrivalRepository {
  announce(key: ConversationKey, id: string, order: number): Promise<void>;
  /** The conversation's announced messages not yet taken into a turn. */
  pending(key: ConversationKey): Promise<Array<{ id: string; order: number }>>;
  /** They were taken into a turn (or will never be: refused, duplicate, given up on). */
  withdraw(key: ConversationKey, messages: ReadonlyArray<{ id: string; order: number }>): Promise<void>;
}

/**
 * Signals between instances sharing the store (Redis pub/sub; within the process on SQLite): each
 * instance listens on its own channel. Nothing is kept: a signal to an instance not listening is lost,
 * so the store stays the source of truth and signals only save waiting.
 */
export interface SignalRepository {
  /** Sends `signal` to `instance`; resolves with whether some listener got it. */
  send(instance: string, signal: string): Promise<boolean>;
  /** Listens for signals to `instance`; resolves once listening, with the function that stops it. */
  listen(instance: string, onSignal: (signal: string) => void): Promise<() => Promise<void>>;
}

/** Messages handed over to the instance that runs their conversation (shared by all instances). */
export interface HandoffRepository {
  push(message: InboundMessage): Promise<void>;
  /** Removes and returns the conversation's waiting messages, oldest first. */
  take(key: ConversationKey): Promise<InboundMessage[]>;
  count(key: ConversationKey): Promise<number>;
  /** Conversations with messages waiting (for start-up, after a crash or a stop). */
  waiting(): Promise<ConversationKey[]>;
}

export interface ApprovalRepository {
  get(id: string): Promise<ApprovalRecord | undefined>;
  /** Records a new pending approval; an approval with this id already recorded is returned instead. */
  open(record: ApprovalRecord): Promise<ApprovalRecord>;
  /**
   * Records the decision, once: true when this call recorded it, false when the approval was already
   * decided (or is unknown). Atomic across instances on Redis.
   */
  decide(id: string, decision: ApprovalDecision): Promise<boolean>;
  /** Every approval of the conversation (its turn ended). */
  deleteFor(key: ConversationKey): Promise<void>;
}

/** One web chat conversation in its user's list. */
export interface WebConversationRecord {
  /** The conversation's part of its key (`web:<user>:<id>`). */
  id: string;
  /** From the first message; empty until one is sent. */
  title: string;
  createdAt: number;
  updatedAt: number;
}

/** A file shown in a web chat conversation (generated, or a tool's long code or output). */
export interface WebFileRecord {
  name: string;
  mimeType: string;
  bytes: Uint8Array;
}

/** One event of a web chat conversation's log, with its position (the SSE event id). */
export interface WebLogEntry {
  position: number;
  event: string;
}

/**
 * The web chat's own records: each user's conversations (titles, most recent first), each
 * conversation's event log (what the page replays from an event id) and the files shown in it.
 */
export interface WebChatRepository {
  /** The user's conversations, most recently used first. */
  list(user: string): Promise<WebConversationRecord[]>;
  get(user: string, id: string): Promise<WebConversationRecord | undefined>;
  /** Whose conversation `id` is (ids are unique across users), or undefined when there is none. */
  owner(id: string): Promise<string | undefined>;
  save(user: string, record: WebConversationRecord): Promise<void>;
  /** Forgets the conversation: its record, its log and its files. */
  remove(user: string, id: string): Promise<void>;
  /** Appends an event (JSON) to the conversation's log; resolves with its position (1, 2, 3...). */
  append(key: ConversationKey, event: string): Promise<number>;
  /** The log's events after `after`, oldest first, at most `limit`. */
  events(key: ConversationKey, after: number, limit: number): Promise<WebLogEntry[]>;
  saveFile(key: ConversationKey, fileId: string, file: WebFileRecord): Promise<void>;
  file(key: ConversationKey, fileId: string): Promise<WebFileRecord | undefined>;
}

/** The typed store: every persistent thing the bot keeps, behind repositories. */
export interface Store {
  readonly kind: 'sqlite' | 'redis';
  threads: ThreadRepository;
  assistants: AssistantRepository;
  runs: RunRepository;
  dedupe: DedupeRepository;
  usage: UsageRepository;
  follows: FollowRepository;
  rateLimits: RateLimitRepository;
  leases: ConversationLeaseRepository;
  handoffs: HandoffRepository;
  arrivals: ArrivalRepository;
  signals: SignalRepository;
  approvals: ApprovalRepository;
  web: WebChatRepository;
  /** Is the store reachable? (for /readyz) */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
