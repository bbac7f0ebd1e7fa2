/**
 * The shapes of a model script: the steps a round may take, what the model sees, and the script
 * itself. Builders and the round player are in script.ts.
 */

/** A file the model produces: a code-interpreter chart, a CSV it wrote... */
export interface GeneratedFile {
  name: string;
  mimeType: string;
  bytes: Uint8Array;
}

/**
 * A span of the answer that the service annotates. `text` is the exact marker the text contains
 * (`【4:0†source】` for a citation, `sandbox:/mnt/data/x.csv` for a file link, the link text of a web
 * source); the layer finds it in the text to compute start/end indexes, so it must occur there.
 * Each API shows them its own way: the Assistants API keeps citation markers in the text, the
 * Responses API removes them and puts the citation at their position (`index`); a `url_citation`
 * exists only in the Responses API (the Assistants layer leaves the text unannotated).
 */
export type TextAnnotation =
  | { type: 'file_citation'; text: string; fileId: string; quote?: string }
  | { type: 'file_path'; text: string; file: GeneratedFile }
  | { type: 'url_citation'; text: string; url: string; title: string };

/** Answer text, sent as these chunks (deltas), `delayMs` apart. */
export interface TextStep {
  type: 'text';
  chunks: readonly string[];
  delayMs?: number;
  annotations?: readonly TextAnnotation[];
}

/** The code interpreter ran `code`; `delayMs` is how long the "execution" takes before the outputs. */
export interface CodeInterpreterStep {
  type: 'code_interpreter';
  code: string;
  logs?: string;
  /** Images the code made (shown as step outputs and in the next message). */
  images?: readonly GeneratedFile[];
  /** Other files the code wrote; a later `file_path` annotation with the same name refers to it. */
  files?: readonly GeneratedFile[];
  delayMs?: number;
  /**
   * Whether the answer shows the images (default true): as `image_file` content of the next message
   * (Assistants) or as `container_file_citation` annotations of the next answer text (Responses).
   * `false`: the images exist only as code outputs and, in the Responses API, as files in the
   * container, so a client must list the container (or read the step outputs) to find them.
   */
  cite?: boolean;
}

export interface FileSearchResult {
  fileId: string;
  fileName: string;
  /** 0..1 */
  score: number;
  text?: string;
}

export interface FileSearchStep {
  type: 'file_search';
  queries: readonly string[];
  results: readonly FileSearchResult[];
}

export interface FunctionCallSpec {
  name: string;
  /** Raw JSON text as the model wrote it, or an object that is serialised. */
  arguments: string | Record<string, unknown>;
  /** Fixed call id; generated (`call_...`) when absent. */
  callId?: string;
}

/** Function calls made in parallel. Ends the round: the run waits for their outputs. Must be last. */
export interface FunctionCallsStep {
  type: 'function_calls';
  calls: readonly FunctionCallSpec[];
}

export interface McpApprovalRequestSpec {
  serverLabel: string;
  name: string;
  /** Raw JSON text, or an object that is serialised. */
  arguments: string | Record<string, unknown>;
  /** Fixed request id; generated (`mcpr_...`) when absent. */
  id?: string;
}

/**
 * MCP tool calls the service holds until the client approves them (Responses API only: the Assistants
 * API has no MCP tools). Ends the round: the next request must answer each with an
 * `mcp_approval_response`. Must be last.
 */
export interface McpApprovalRequestsStep {
  type: 'mcp_approval_requests';
  requests: readonly McpApprovalRequestSpec[];
}

/**
 * A tool on a remote MCP server, called by the service itself (Responses API only; the server must
 * be declared as an `mcp` tool). The server's tools are listed first (an `mcp_list_tools` item)
 * unless the conversation already holds a listing of that server.
 */
export interface McpCallStep {
  type: 'mcp_call';
  serverLabel: string;
  name: string;
  /** Raw JSON text, or an object that is serialised. */
  arguments: string | Record<string, unknown>;
  /** What the tool returned; absent when it failed. */
  output?: string;
  /** The failure, as the service reports it (an MCP protocol error). */
  error?: string;
  /** The server's tools for the listing (default: just `name`). */
  tools?: readonly string[];
}

/** The hosted web search (Responses API only; needs a declared `web_search` tool). */
export interface WebSearchStep {
  type: 'web_search';
  queries: readonly string[];
  /** Source URLs (shown only to clients that include `web_search_call.action.sources`). */
  sources?: readonly string[];
}

/**
 * The hosted image generation (Responses API only; needs a declared `image_generation` tool): as many
 * drafts stream as the tool's `partial_images` asks (from `drafts`, else the image itself), then the
 * image arrives as the item's base64 `result`.
 */
export interface ImageGenerationStep {
  type: 'image_generation';
  image: GeneratedFile;
  drafts?: readonly GeneratedFile[];
  /** How long rendering takes before the drafts and the image. */
  delayMs?: number;
}

/** The model is slow: nothing happens for `ms` (Infinity: until the run is cancelled or expires). */
export interface WaitStep {
  type: 'wait';
  ms: number;
}

/** Neutral reasons; each API maps them to its own enum. */
export type IncompleteReason = 'max_output_tokens' | 'max_input_tokens' | 'content_filter';
export type FailureCode = 'server_error' | 'rate_limit_exceeded' | 'invalid_prompt';

/**
 * What a Responses stream says in its `error` event just before the response fails (the Assistants
 * API has no such event: its run just fails with `last_error`).
 */
export interface StreamErrorSpec {
  /** The error's code, e.g. `insufficient_quota`: any code, unlike a failed response's own. */
  code: string;
  /** The error's type, e.g. `insufficient_quota`, `invalid_request_error`. */
  type: string;
  message: string;
  /**
   * Whether the event also carries the error as an `error` object beside its own fields (default
   * true): the SDK then throws an APIError for it instead of handing the event over.
   */
  errorObject?: boolean;
}

/** How the turn ends when it does not simply complete. Must be the last step. */
export type ScriptEnding =
  | { status: 'incomplete'; reason: IncompleteReason }
  /** `streamError`: the Responses stream says this in an `error` event before `response.failed`. */
  | { status: 'failed'; code: FailureCode; message: string; streamError?: StreamErrorSpec }
  | { status: 'expired' }
  | { status: 'cancelled' };

export interface EndStep {
  type: 'end';
  ending: ScriptEnding;
}

export type ScriptStep =
  | TextStep
  | CodeInterpreterStep
  | FileSearchStep
  | FunctionCallsStep
  | McpApprovalRequestsStep
  | McpCallStep
  | WebSearchStep
  | ImageGenerationStep
  | WaitStep
  | EndStep;

export interface ScriptUsage {
  inputTokens: number;
  outputTokens: number;
  /** Responses API only (`output_tokens_details.reasoning_tokens`); default 0. */
  reasoningTokens?: number;
  /** Responses API only (`input_tokens_details.cached_tokens`); default 0. */
  cachedTokens?: number;
}

/** What one round does; `usage` overrides the estimate (characters / 4). */
export interface ScriptRound {
  steps: readonly ScriptStep[];
  usage?: ScriptUsage;
}

/** A tool as the client declared it for the run or response. */
export type DeclaredTool =
  | { type: 'code_interpreter' }
  | { type: 'file_search' }
  | { type: 'function'; name: string }
  /** Responses API: a remote MCP server the client declared (called only by `mcpCall` steps). */
  | { type: 'mcp'; serverLabel: string }
  | { type: 'web_search' }
  /** Responses API: `partial_images` is how many drafts stream before the image (0 to 3). */
  | { type: 'image_generation'; partialImages: number };

export interface AttachedFile {
  fileId: string;
  name: string;
  /** Tools the client attached it for (`code_interpreter`, `file_search`). */
  tools: readonly string[];
}

/** A function call of the previous round with the output the client submitted for it. */
export interface SubmittedToolOutput {
  callId: string;
  name: string;
  arguments: string;
  output: string;
}

/** An MCP approval request of the previous round with the client's decision on it. */
export interface SubmittedApproval {
  requestId: string;
  serverLabel: string;
  name: string;
  arguments: string;
  approve: boolean;
}

/** What the model sees when it is asked to act. */
export interface ScriptContext {
  /** 1 on the turn's first model call, n + 1 after the n-th round of function outputs. */
  round: number;
  /** The user messages of this turn, oldest first (several when queued messages went in together). */
  userMessages: readonly string[];
  /** `userMessages` joined with newlines. */
  text: string;
  /** Files attached to this turn's messages. */
  files: readonly AttachedFile[];
  /** The previous round's function calls and their outputs; empty in round 1. */
  toolOutputs: readonly SubmittedToolOutput[];
  /** Responses API: the previous round's MCP approval requests and the decisions; empty or absent otherwise. */
  approvals?: readonly SubmittedApproval[];
  instructions: string;
  tools: readonly DeclaredTool[];
  /** Everything said before this turn in the thread or conversation, oldest first. */
  history: readonly { role: 'user' | 'assistant'; text: string }[];
}

/** A test's model: called once per round. Throwing fails the run with `server_error`. */
export type ModelScript = (
  context: ScriptContext,
) => ScriptRound | readonly ScriptStep[] | Promise<ScriptRound | readonly ScriptStep[]>;
