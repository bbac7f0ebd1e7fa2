import type { BackendName } from '../core/backend-name.js';
import type { PlatformConfigs } from './platform-section.js';
import type { Profiles } from './profiles/types.js';

/** Where the store lives: an embedded SQLite file (one instance) or Redis (many instances). */
export type StoreConfig = { kind: 'sqlite'; path: string } | { kind: 'redis'; url: string };

/** What the bot does while its store cannot be reached (a Redis restart, a locked SQLite file). */
export interface StoreOutageConfig {
  /** STORE_RETRY_MS: a store call is retried with backoff for up to this long before it fails; 0: never. */
  retryMs: number;
  /**
   * STORE_HOLD_MS: a message that arrives while the store cannot be reached is held in memory (in
   * order, per conversation) for up to this long after it arrived, and taken once the store is back;
   * past it the user is asked to send it again. 0: not held.
   */
  holdMs: number;
}

/**
 * How the Responses backend keeps a conversation: in an OpenAI Conversation, or by chaining each
 * response to the last with `previous_response_id` (for compatible servers without Conversations).
 */
export type ConversationMode = 'conversations' | 'previous_response';

/** The assistant: model, instructions and tools, the same for both backends. */
export interface AssistantConfig {
  backend: BackendName;
  conversationMode: ConversationMode;
  /** Assistants backend: reuse this assistant instead of finding or creating one. */
  id: string | undefined;
  name: string;
  model: string;
  instructions: string;
  codeInterpreter: boolean;
  fileSearch: boolean;
  /** Responses backend only: the hosted web search. */
  webSearch: boolean;
  /** Responses backend only: the hosted image generation. */
  imageGeneration: boolean;
  /** Function tool names enabled (from ASSISTANT_TOOLS, minus the hosted tools). */
  functionTools: readonly string[];
  vectorStoreIds: readonly string[];
}

export interface OpenAIConfig {
  apiKey: string;
  /** Any compatible server, or a local fake. Undefined: the SDK's default. */
  baseURL: string | undefined;
}

export interface RunConfig {
  /** The whole run, tool rounds included, is cancelled past this. */
  timeoutMs: number;
  /** One function tool call is abandoned (error output to the model) past this. */
  toolTimeoutMs: number;
  /** Messages waiting per conversation while a run is active; one more gets a notice. */
  maxQueuedMessages: number;
  /** User attachments larger than this are refused. */
  maxAttachmentBytes: number;
  /** A model stream silent for this long is given up and resumed or polled. */
  streamStallMs: number;
  /** On SIGTERM, answers still running get this long to finish before they are stopped. */
  shutdownGraceMs: number;
  /**
   * How long an instance's hold on a conversation lasts unless renewed (it is renewed while it works
   * there): how long a crashed instance's conversations wait before another instance takes them.
   */
  conversationLeaseMs: number;
}

/** Access and cost control; 0 turns a limit off. */
export interface LimitsConfig {
  /** Messages one user may send per minute, across conversations. */
  perUserPerMinute: number;
  /** Tokens (input + output) one user may use per UTC day. */
  dailyTokensPerUser: number;
  /** Tokens (input + output) one conversation may use per UTC day. */
  dailyTokensPerConversation: number;
}

/** Deleting conversations nobody uses any more, at the model service and in the store. */
export interface CleanupConfig {
  /** A conversation idle for longer than this many days is deleted; 0 keeps every conversation. */
  threadTtlDays: number;
  /** How often the sweep runs (one instance per interval does it). */
  intervalMs: number;
}

/** Tool calls that need a person's approval before they run. */
export interface ApprovalsConfig {
  /** No decision within this long counts as denied. */
  timeoutMs: number;
}

/** Who may use the bot on a platform; an empty list allows everyone. */
export interface Allowlist {
  /** Discord guilds or Slack teams (workspaces). */
  spaces: readonly string[];
  channels: readonly string[];
  /** Discord roles; Slack has none. */
  roles: readonly string[];
  users: readonly string[];
}

/** How much of the assistant's tool work chat users see. */
export type ToolDisplay = 'full' | 'summary' | 'off';

/** Environment variables as `process.env` holds them: the input of configuration. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Everything the bot is configured with; built only by `loadConfig`. */
export interface AppConfig {
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  openai: OpenAIConfig;
  assistant: AssistantConfig;
  run: RunConfig;
  limits: LimitsConfig;
  cleanup: CleanupConfig;
  approvals: ApprovalsConfig;
  store: StoreConfig;
  storeOutage: StoreOutageConfig;
  /** HTTP port of the app's server: platform routes (Slack's HTTP mode) and the health endpoints. */
  port: number;
  consoleOutputDir: string;
  /** Code, logs, function calls and searches: shown in full, as one-line summaries, or not at all. */
  toolDisplay: ToolDisplay;
  /** Each chat platform's configuration by name; undefined for a platform not configured. */
  platforms: PlatformConfigs;
  /** The platforms' secret values (tokens, signing secrets): the logger blanks them. */
  platformSecrets: readonly string[];
  /**
   * The assistant profiles at start-up: from `PROFILES_FILE`, or the environment's one `default`
   * profile (built from `assistant`). While running, read them from a `ProfileSource`.
   */
  profiles: Profiles;
}
