import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { newHexId, nowSeconds } from '../ids.js';

/**
 * The Responses / Conversations objects as the fake sends them. Narrower than the SDK's types (which
 * cover every tool the service has), and checked against the spec by the conformance tests.
 */

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export type OutputAnnotation =
  | { type: 'file_citation'; file_id: string; filename: string; index: number }
  | { type: 'url_citation'; url: string; title: string; start_index: number; end_index: number }
  | {
      type: 'container_file_citation';
      container_id: string;
      file_id: string;
      filename: string;
      start_index: number;
      end_index: number;
    };

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: OutputAnnotation[];
  logprobs: never[];
}

export type InputPart =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; detail: string; file_id?: string | null; image_url?: string | null }
  | { type: 'input_file'; file_id?: string | null; filename?: string; file_url?: string; file_data?: string };

/** A message the client sent (user, system, developer). */
export interface InputMessageItem {
  id: string;
  type: 'message';
  role: 'user' | 'system' | 'developer';
  status: 'completed';
  content: InputPart[];
}

/** A message the model wrote (or an assistant message the client sent as history). */
export interface OutputMessageItem {
  id: string;
  type: 'message';
  role: 'assistant';
  status: ItemStatus;
  content: OutputText[];
}

export interface FunctionCallItem {
  id: string;
  type: 'function_call';
  call_id: string;
  name: string;
  arguments: string;
  status: ItemStatus;
}

export interface FunctionCallOutputItem {
  id: string;
  type: 'function_call_output';
  call_id: string;
  output: string | unknown[];
  status: ItemStatus;
}

export type CodeOutput = { type: 'logs'; logs: string } | { type: 'image'; url: string };

export interface CodeInterpreterCallItem {
  id: string;
  type: 'code_interpreter_call';
  status: ItemStatus | 'interpreting' | 'failed';
  container_id: string;
  code: string | null;
  /** Kept whole here; clients see `null` unless they include `code_interpreter_call.outputs`. */
  outputs: CodeOutput[] | null;
}

export interface FileSearchResultItem {
  file_id: string;
  filename: string;
  score: number;
  text?: string;
  attributes: Record<string, string>;
}

export interface FileSearchCallItem {
  id: string;
  type: 'file_search_call';
  status: ItemStatus | 'searching' | 'failed';
  queries: string[];
  /** Kept whole here; clients see `null` unless they include `file_search_call.results`. */
  results: FileSearchResultItem[] | null;
}

/** An MCP call the service holds until the client approves it. */
export interface McpApprovalRequestItem {
  id: string;
  type: 'mcp_approval_request';
  server_label: string;
  name: string;
  arguments: string;
}

/** The client's decision on an MCP approval request. */
export interface McpApprovalResponseItem {
  id: string;
  type: 'mcp_approval_response';
  approval_request_id: string;
  approve: boolean;
  reason: string | null;
}

/** A call the service made itself to a tool on a remote MCP server. */
export interface McpCallItem {
  id: string;
  type: 'mcp_call';
  server_label: string;
  name: string;
  arguments: string;
  output: string | null;
  /** The API document's form: an MCP protocol error (the SDK's types say text). */
  error: { type: 'mcp_protocol_error'; code: number; message: string } | null;
  status: 'in_progress' | 'calling' | 'completed' | 'failed' | 'incomplete';
  approval_request_id: string | null;
}

/** The tools an MCP server offers, fetched once per conversation. */
export interface McpListToolsItem {
  id: string;
  type: 'mcp_list_tools';
  server_label: string;
  tools: {
    name: string;
    input_schema: Record<string, unknown>;
    description: string | null;
    annotations: null;
  }[];
  error: string | null;
}

export interface WebSearchCallItem {
  id: string;
  type: 'web_search_call';
  status: 'in_progress' | 'searching' | 'completed' | 'failed';
  /** Kept whole here; clients see `sources` only when they include `web_search_call.action.sources`. */
  action: { type: 'search'; query: string; queries: string[]; sources?: { type: 'url'; url: string }[] };
}

export interface ImageGenerationCallItem {
  id: string;
  type: 'image_generation_call';
  status: 'in_progress' | 'generating' | 'completed' | 'failed';
  /** The image, base64, once it is done. */
  result: string | null;
}

export type OutputItem =
  | OutputMessageItem
  | FunctionCallItem
  | CodeInterpreterCallItem
  | FileSearchCallItem
  | McpApprovalRequestItem
  | McpCallItem
  | McpListToolsItem
  | WebSearchCallItem
  | ImageGenerationCallItem;

/** Anything a conversation or a response's input holds. */
export type StoredItem = InputMessageItem | OutputItem | FunctionCallOutputItem | McpApprovalResponseItem;

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'queued' | 'in_progress' | 'completed' | 'incomplete' | 'failed' | 'cancelled';

/** The Response object (`output_text` is added by the SDKs, not sent by the service). */
export interface WireResponse {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: boolean;
  completed_at: number | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  max_tool_calls: number | null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  conversation: { id: string } | null;
  reasoning: { effort: string | null; summary: string | null };
  service_tier: string;
  temperature: number;
  text: unknown;
  tool_choice: unknown;
  tools: Record<string, unknown>[];
  top_logprobs: number;
  top_p: number;
  truncation: 'auto' | 'disabled';
  /** `null` until the response ends, as the service sends it. */
  usage: ResponseUsage | null;
  metadata: Record<string, string>;
}

const numberOr = <T extends number | null>(value: unknown, fallback: T): number | T =>
  typeof value === 'number' ? value : fallback;

/**
 * A new response to a checked CreateResponse `body`, every field present as the service sends it:
 * parameters echoed, defaults filled in, `usage: null` until it ends.
 */
export function newResponse(
  body: Record<string, unknown>,
  fields: {
    model: string;
    background: boolean;
    previousResponseId: string | undefined;
    conversationId: string | undefined;
    tools: Record<string, unknown>[];
  },
): WireResponse {
  return {
    id: newHexId('resp'),
    object: 'response',
    created_at: nowSeconds(),
    // A background response waits in a queue; a foreground one is worked on at once.
    status: fields.background ? 'queued' : 'in_progress',
    background: fields.background,
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    max_output_tokens: numberOr(body.max_output_tokens, null),
    max_tool_calls: numberOr(body.max_tool_calls, null),
    model: fields.model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls !== false,
    previous_response_id: fields.previousResponseId ?? null,
    conversation: fields.conversationId === undefined ? null : { id: fields.conversationId },
    reasoning: { effort: null, summary: null, ...(body.reasoning as object | null | undefined) },
    service_tier: 'default',
    temperature: numberOr(body.temperature, 1),
    text: body.text ?? { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: fields.tools,
    top_logprobs: numberOr(body.top_logprobs, 0),
    top_p: numberOr(body.top_p, 1),
    truncation: body.truncation === 'auto' ? 'auto' : 'disabled',
    usage: null,
    metadata: (body.metadata as Record<string, string> | null | undefined) ?? {},
  };
}

/** A stream event as emitted, before the engine numbers it. */
export type EventBody = { type: ResponseStreamEvent['type'] } & Record<string, unknown>;

/** A numbered stream event, as stored and sent. */
export type StreamEvent = EventBody & { sequence_number: number };

export const INCLUDE_VALUES = [
  'file_search_call.results',
  'web_search_call.results',
  'web_search_call.action.sources',
  'message.input_image.image_url',
  'computer_call_output.output.image_url',
  'code_interpreter_call.outputs',
  'reasoning.encrypted_content',
  'message.output_text.logprobs',
] as const;

/** An item as a client sees it: tool outputs and search results only when it asked for them. */
export function presentItem<T extends StoredItem>(item: T, include: readonly string[]): T {
  const copy = structuredClone(item);
  if (copy.type === 'code_interpreter_call' && !include.includes('code_interpreter_call.outputs')) {
    copy.outputs = null;
  }
  if (copy.type === 'file_search_call' && !include.includes('file_search_call.results')) {
    copy.results = null;
  }
  if (copy.type === 'web_search_call' && !include.includes('web_search_call.action.sources')) {
    delete copy.action.sources;
  }
  return copy;
}

/** The response as a client sees it (see `presentItem`). */
export function presentResponse(response: WireResponse, include: readonly string[]): WireResponse {
  return { ...structuredClone(response), output: response.output.map((i) => presentItem(i, include)) };
}

export function usageOf(input: number, output: number, reasoning = 0, cached = 0): ResponseUsage {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached, cache_write_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  };
}

/** Plain text of a message item (its text parts joined), for the script's history. */
export function itemText(item: InputMessageItem | OutputMessageItem): string {
  return item.content
    .map((part) => (part.type === 'input_text' || part.type === 'output_text' ? part.text : ''))
    .filter(Boolean)
    .join('\n');
}
