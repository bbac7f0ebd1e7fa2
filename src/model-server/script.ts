/**
 * What the fake "model" does in a turn, independent of the wire API. The Assistants layer turns a
 * script's steps into run steps, messages and stream events; a Responses layer turns the same steps
 * into output items. Tests write scripts once and run them against either.
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

/** Calls the script and checks the round is well formed, so a bad script fails loudly. */
export async function playRound(script: ModelScript, context: ScriptContext): Promise<ScriptRound> {
  const result = await script(context);
  const round: ScriptRound = isStepList(result) ? { steps: result } : result;
  round.steps.forEach((step, i) => {
    const last = i === round.steps.length - 1;
    const ends =
      step.type === 'function_calls' || step.type === 'mcp_approval_requests' || step.type === 'end';
    if (ends && !last) {
      throw new Error(`fake script: a '${step.type}' step must be the last of its round (step ${i})`);
    }
    if (step.type === 'function_calls' && step.calls.length === 0) {
      throw new Error('fake script: function_calls needs at least one call');
    }
    if (step.type === 'text') checkMarkers(step);
  });
  return round;
}

function isStepList(value: ScriptRound | readonly ScriptStep[]): value is readonly ScriptStep[] {
  return Array.isArray(value);
}

function checkMarkers(step: TextStep): void {
  const text = step.chunks.join('');
  for (const annotation of step.annotations ?? []) {
    if (!text.includes(annotation.text)) {
      throw new Error(`fake script: annotation marker ${JSON.stringify(annotation.text)} is not in the text`);
    }
  }
}

/** The arguments of a call as JSON text. */
export function argumentsText(spec: FunctionCallSpec): string {
  return typeof spec.arguments === 'string' ? spec.arguments : JSON.stringify(spec.arguments);
}

/** A rough token count, close enough for usage accounting tests. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

// ---- Builders: short ways to write the steps above in tests. ----

/** Splits `content` into chunks of `chunkSize` characters (default 8) streamed `delayMs` apart. */
export function text(
  content: string,
  options: { chunkSize?: number; delayMs?: number; annotations?: readonly TextAnnotation[] } = {},
): TextStep {
  const size = Math.max(1, options.chunkSize ?? 8);
  const chunks: string[] = [];
  for (let i = 0; i < content.length; i += size) chunks.push(content.slice(i, i + size));
  return {
    type: 'text',
    chunks: chunks.length > 0 ? chunks : [''],
    ...(options.delayMs !== undefined && { delayMs: options.delayMs }),
    ...(options.annotations && { annotations: options.annotations }),
  };
}

/** A citation of an uploaded file: `marker` (e.g. `【4:0†source】`) must appear in the text. */
export function citation(marker: string, fileId: string, quote?: string): TextAnnotation {
  return { type: 'file_citation', text: marker, fileId, ...(quote !== undefined && { quote }) };
}

/** A web source (Responses API `url_citation`): `marker` is the span of the text that links to it. */
export function urlCitation(marker: string, url: string, title: string): TextAnnotation {
  return { type: 'url_citation', text: marker, url, title };
}

/** A link to a file the model made; the file is stored when the text is produced. */
export function filePath(marker: string, file: GeneratedFile): TextAnnotation {
  return { type: 'file_path', text: marker, file };
}

export function codeInterpreter(step: Omit<CodeInterpreterStep, 'type'>): CodeInterpreterStep {
  return { type: 'code_interpreter', ...step };
}

export function fileSearch(queries: readonly string[], results: readonly FileSearchResult[]): FileSearchStep {
  return { type: 'file_search', queries, results };
}

/** One or several parallel function calls; the run then waits for their outputs. */
export function functionCalls(...calls: FunctionCallSpec[]): FunctionCallsStep {
  return { type: 'function_calls', calls };
}

export function functionCall(
  name: string,
  args: FunctionCallSpec['arguments'],
  callId?: string,
): FunctionCallsStep {
  return functionCalls({ name, arguments: args, ...(callId !== undefined && { callId }) });
}

/** One MCP call held for approval (Responses API); the next request must approve or deny it. */
export function mcpApprovalRequest(
  serverLabel: string,
  name: string,
  args: McpApprovalRequestSpec['arguments'],
  id?: string,
): McpApprovalRequestsStep {
  return {
    type: 'mcp_approval_requests',
    requests: [{ serverLabel, name, arguments: args, ...(id !== undefined && { id }) }],
  };
}

/** An MCP tool call the service makes itself (Responses API), answered with `result.output` or failed with `result.error`. */
export function mcpCall(
  serverLabel: string,
  name: string,
  args: McpCallStep['arguments'],
  result: { output: string } | { error: string },
  tools?: readonly string[],
): McpCallStep {
  return { type: 'mcp_call', serverLabel, name, arguments: args, ...result, ...(tools && { tools }) };
}

/** A hosted web search for `queries` (Responses API). */
export function webSearch(queries: readonly string[], sources?: readonly string[]): WebSearchStep {
  return { type: 'web_search', queries, ...(sources && { sources }) };
}

/** A generated image (Responses API), drafts first as the tool's `partial_images` asks. */
export function imageGeneration(
  image: GeneratedFile,
  options: { drafts?: readonly GeneratedFile[]; delayMs?: number } = {},
): ImageGenerationStep {
  return { type: 'image_generation', image, ...options };
}

/** Nothing happens for `ms`; `hang()` waits until the run is cancelled or expires. */
export function wait(ms: number): WaitStep {
  return { type: 'wait', ms };
}

export function hang(): WaitStep {
  return wait(Number.POSITIVE_INFINITY);
}

export function incomplete(reason: IncompleteReason = 'max_output_tokens'): EndStep {
  return { type: 'end', ending: { status: 'incomplete', reason } };
}

export function failed(message = 'The server had an error.', code: FailureCode = 'server_error'): EndStep {
  return { type: 'end', ending: { status: 'failed', code, message } };
}

/** The service's words when the account has no credit left (the quota is used up). */
export const QUOTA_MESSAGE =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.';

/**
 * The run fails because the account is out of credit: a Responses stream sends an `error` event
 * (`insufficient_quota`) and then `response.failed`; an Assistants run fails with
 * `rate_limit_exceeded` and the quota message, as that API reports it.
 */
export function outOfCredit(options: { errorObject?: boolean } = {}): EndStep {
  return serviceError({
    code: 'insufficient_quota',
    type: 'insufficient_quota',
    message: QUOTA_MESSAGE,
    ...options,
  });
}

/**
 * The service reports `spec` in the stream (Responses: an `error` event) and the run fails with
 * `failedCode` (the failed response's and the Assistants run's `last_error` code, default
 * `rate_limit_exceeded` for quota errors, else `server_error`).
 */
export function serviceError(spec: StreamErrorSpec, failedCode?: FailureCode): EndStep {
  const code = failedCode ?? (spec.type === 'insufficient_quota' ? 'rate_limit_exceeded' : 'server_error');
  return { type: 'end', ending: { status: 'failed', code, message: spec.message, streamError: spec } };
}

export function expired(): EndStep {
  return { type: 'end', ending: { status: 'expired' } };
}

export function cancelled(): EndStep {
  return { type: 'end', ending: { status: 'cancelled' } };
}

/**
 * A script that plays `rounds[0]` in round 1, `rounds[1]` in round 2... and the last one after that.
 * A round may be a script itself, to answer from the context (e.g. the submitted tool outputs).
 */
export function byRound(...rounds: (readonly ScriptStep[] | ScriptRound | ModelScript)[]): ModelScript {
  if (rounds.length === 0) throw new Error('byRound needs at least one round');
  return (context) => {
    const round = rounds[Math.min(context.round, rounds.length) - 1] ?? [];
    return typeof round === 'function' ? round(context) : round;
  };
}

/** A script that always answers `answer` as streamed text. */
export function replyWith(answer: string, options?: Parameters<typeof text>[1]): ModelScript {
  return () => [text(answer, options)];
}

/** The default model: echoes the turn's text back. */
export const echoScript: ModelScript = ({ text: said }) => [text(`You said: ${said}`)];
