import type { Profile } from '../config/profiles/types.js';
import type { Annotation, FileRef } from '../core/annotations.js';
import type { AttachmentUse } from '../core/attachments.js';
import type { BackendName } from '../core/backend-name.js';
import type { ConversationKey } from '../core/conversation.js';
import type { InboundFile } from '../core/messages.js';
import type { OutboundFile, RunEnding, ToolCallView, Usage } from '../core/reply-events.js';
import type { FunctionDefinition, McpToolParam } from '../core/tool-definition.js';

/** A user file the model service has accepted, and the tool it is meant for. */
export interface UploadedFile {
  fileId: string;
  name: string;
  /** Data files go to the code interpreter, documents to file search, pictures are shown to the model. */
  use: AttachmentUse;
}

/** One user message as it goes into a run (queued messages are batched: several per run). */
export interface RunMessage {
  text: string;
  files: readonly UploadedFile[];
}

/** A function call the model asked for. `arguments` is the model's raw JSON text. */
export interface FunctionCall {
  callId: string;
  name: string;
  arguments: string;
}

/** What a function call returned, as text for the model. */
export interface ToolOutput {
  callId: string;
  output: string;
}

/** An MCP tool call the model service holds until a person approves it (Responses: `mcp_approval_request`). */
export interface McpApprovalRequest {
  /** The approval request's id, answered by `approval_request_id`. */
  id: string;
  serverLabel: string;
  name: string;
  arguments: string;
}

/** A person's decision on an MCP approval request, for the next request to the service. */
export interface McpApprovalAnswer {
  requestId: string;
  approve: boolean;
}

/** Where a run is, so that it can be picked up again after a crash or a dropped stream. */
export interface RunCheckpoint {
  runId: string;
  /** Backend-specific stream position (Responses: last sequence_number). */
  position?: string;
}

/** What a backend run reports, in order. Text carries the service's raw citation markers. */
export type BackendEvent =
  | { type: 'run.created'; checkpoint: RunCheckpoint }
  | { type: 'checkpoint'; checkpoint: RunCheckpoint }
  | { type: 'status'; text: string }
  | { type: 'text.delta'; itemId: string; delta: string }
  | { type: 'text.done'; itemId: string; text: string; annotations: readonly Annotation[] }
  | { type: 'tool'; call: Exclude<ToolCallView, { kind: 'function' }> }
  /** A file the model made: a code-interpreter image or file, or a generated image (bytes inline). */
  | { type: 'file'; ref: FileRef; kind: 'image' | 'file' }
  /**
   * The run waits for these calls' outputs. The consumer must call `submitToolOutputs` once, with
   * exactly these calls' outputs, before it pulls the next event.
   */
  | { type: 'action.required'; calls: readonly FunctionCall[] }
  /**
   * The run waits for a decision on these MCP calls. The consumer must call `submitApprovals` once,
   * with an answer for each, before it pulls the next event. Comes before an `action.required` of
   * the same round, whose outputs then go to the service together with the answers.
   */
  | { type: 'approval.required'; requests: readonly McpApprovalRequest[] }
  | { type: 'usage'; usage: Usage }
  /** Always the last event. */
  | { type: 'ended'; ending: RunEnding };

/** One run in progress: iterate it for events; it ends with exactly one `ended` event. */
export interface BackendRun extends AsyncIterable<BackendEvent> {
  submitToolOutputs(outputs: readonly ToolOutput[]): void;
  /** Answers an `approval.required` event (only the Responses API asks). */
  submitApprovals(answers: readonly McpApprovalAnswer[]): void;
  /** Asks the service to cancel; the iteration then ends with a `cancelled` ending. */
  cancel(): Promise<void>;
}

/**
 * The assistant profile a run uses, resolved so that a backend needs no configuration lookups: the
 * profile's settings, the definitions of its function tools and its `mcp` tools (Responses API only).
 */
export interface RunProfile extends Profile {
  name: string;
  /** The profile's function tools (`functionTools`), as the model is offered them. */
  functions: readonly FunctionDefinition[];
  /** The profile's MCP servers as Responses `mcp` tools. */
  mcpTools: readonly McpToolParam[];
}

/** What the orchestrator asks of a backend to run one turn. */
export interface RunRequest {
  key: ConversationKey;
  threadId: string;
  messages: readonly RunMessage[];
  /**
   * Aborted on cancel or timeout: the backend stops reading and cancels at the service. Aborted with
   * the reason `'shutdown'`: it stops reading and leaves the run going at the service, for the next
   * start to resume (the iteration then ends without an `ended` event).
   */
  signal: AbortSignal;
  /**
   * Re-attach to this run (left unfinished by a crashed or stopped process) instead of starting one;
   * `messages` is then empty. Its output is reported from the start of the current response (or run),
   * so an answer can be finished in place.
   */
  resume?: RunCheckpoint;
  /** The conversation's profile; without one, the backend's own configuration (the environment's). */
  profile?: RunProfile;
}

/** The model-service side: one implementation per API, both passing the same contract suite. */
export interface Backend {
  readonly name: BackendName;
  /** Gets server-side prerequisites ready (the Assistants API's assistant object). Idempotent. */
  prepare(): Promise<void>;
  /** Creates an assistant thread (Assistants: thread; Responses: conversation) and returns its id. */
  createThread(key: ConversationKey): Promise<string>;
  /** Deletes an assistant thread; a thread that is already gone is not an error. */
  deleteThread(threadId: string): Promise<void>;
  /** Uploads a checked user file for the given use (see orchestrator/attachments.ts). */
  uploadFile(file: InboundFile, use: UploadedFile['use']): Promise<UploadedFile>;
  startRun(request: RunRequest): BackendRun;
  downloadFile(ref: FileRef): Promise<OutboundFile>;
}

export type { Annotation, BackendName, FileRef };
