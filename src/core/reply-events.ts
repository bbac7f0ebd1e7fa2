/**
 * Platform-neutral reply events: what the orchestrator streams to an adapter while a run goes on.
 * Adapters turn them into platform calls within the platform's limits; they never see the model API.
 */

/** A numbered source, shown as a footnote; `[n]` markers in the text refer to `index`. */
export interface Citation {
  index: number;
  /** What to show: a file name, a page title or a URL. */
  label: string;
  url?: string;
  quote?: string;
}

/** A tool call, in the shape chat users see it. */
export type ToolCallView =
  | { kind: 'code_interpreter'; id: string; code: string; logs: string }
  | { kind: 'file_search'; id: string; queries: readonly string[]; resultCount: number | undefined }
  | { kind: 'function'; id: string; name: string; arguments: string; result: string; isError: boolean }
  /** A tool on a remote MCP server, called by the model service itself; `error` when it failed. */
  | {
      kind: 'mcp_call';
      id: string;
      server: string;
      name: string;
      arguments: string;
      output: string;
      error: string | undefined;
    }
  /** The model service asked an MCP server which tools it has (once per conversation and server). */
  | {
      kind: 'mcp_list_tools';
      id: string;
      server: string;
      tools: readonly string[];
      error: string | undefined;
    }
  /** The hosted web search: what it searched for, or the page it opened or searched in. */
  | {
      kind: 'web_search';
      id: string;
      action: 'search' | 'open_page' | 'find_in_page';
      queries: readonly string[];
      url: string | undefined;
      pattern: string | undefined;
    };

/** A file the assistant made (a chart, a CSV...), with its bytes. */
export interface OutboundFile {
  kind: 'image' | 'file';
  name: string;
  mimeType: string;
  bytes: Uint8Array;
}

/** How a run ended, from the user's point of view. */
export type RunEnding =
  | { kind: 'completed' }
  /** `reason` is the service's code, e.g. `max_output_tokens`, `content_filter`. */
  | { kind: 'incomplete'; reason: string }
  /**
   * `code` comes from the service's last_error. `message` (its text, which may carry internals) is
   * for logs: the orchestrator drops it before the ending reaches an adapter.
   */
  | { kind: 'failed'; code: string; message?: string }
  | { kind: 'expired' }
  | { kind: 'cancelled' }
  | { kind: 'timeout' };

/** Token counts of one run. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/** What became of a tool call that waited for a person: `timeout` and `cancelled` count as denied. */
export type ApprovalOutcome = 'approved' | 'denied' | 'timeout' | 'cancelled';

export type ReplyEvent =
  /** The run started; `messageIds` are the user messages it answers (several when queued ones were batched). */
  | { type: 'run.started'; runId: string; messageIds: readonly string[] }
  /** A short progress line ("Running code…"); adapters may show it as a typing indicator or status. */
  | { type: 'status'; text: string }
  /** Live text of the answer message `messageId`, citation markers already removed. */
  | { type: 'text.delta'; messageId: string; delta: string }
  /** The final text of answer message `messageId`: `[n]` markers refer to `citations`. Replaces the deltas. */
  | { type: 'text.done'; messageId: string; text: string; citations: readonly Citation[] }
  /** A tool call finished (or, for functions, its result is known). */
  | { type: 'tool'; call: ToolCallView }
  | { type: 'file'; file: OutboundFile }
  | { type: 'usage'; usage: Usage }
  /**
   * A tool call waits for a person's decision: show what it will do with Approve and Deny controls
   * that carry `approvalId`, and pass a click to `decide`. The same call (a resumed run) keeps its id.
   */
  | {
      type: 'approval.requested';
      approvalId: string;
      tool: string;
      /** MCP calls: the server's label. */
      server?: string;
      /** The model's raw JSON arguments. */
      arguments: string;
      /** The user who asked; the configured approvers may decide too. */
      requesterId: string;
      /** Epoch ms: no decision by then counts as denied. */
      expiresAt: number;
    }
  /** The call was decided (or timed out, or its run stopped): show the outcome, remove the controls. */
  | { type: 'approval.decided'; approvalId: string; outcome: ApprovalOutcome; by?: string }
  /** A message the user should see that is not part of the answer (queued, queue full, attachment refused). */
  | { type: 'notice'; text: string }
  /** The run is over. `notice` is a short user-facing line for every ending but `completed`. */
  | { type: 'done'; ending: RunEnding; notice?: string }
  /**
   * The turn failed outside the model's control, or the message was refused; `text` is chosen by error
   * code, never an exception message. `quiet`: the user was told this already in this window (a
   * repeated refusal): only they hear of it again, with no new message in the channel.
   */
  | { type: 'error'; code: string; text: string; quiet?: boolean };
