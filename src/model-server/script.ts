/**
 * What the fake "model" does in a turn, independent of the wire API. The Assistants layer turns a
 * script's steps into run steps, messages and stream events; a Responses layer turns the same steps
 * into output items. Tests write scripts once and run them against either.
 */
import type {
  CodeInterpreterStep,
  EndStep,
  FailureCode,
  FileSearchResult,
  FileSearchStep,
  FunctionCallSpec,
  FunctionCallsStep,
  GeneratedFile,
  ImageGenerationStep,
  IncompleteReason,
  McpApprovalRequestSpec,
  McpApprovalRequestsStep,
  McpCallStep,
  ModelScript,
  ScriptContext,
  ScriptRound,
  ScriptStep,
  StreamErrorSpec,
  TextAnnotation,
  TextStep,
  WaitStep,
  WebSearchStep,
} from './script-types.js';

export type * from './script-types.js';

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
