import { expectType, requireField } from '../assistants/request-checks.js';
import type { FileStore } from '../files/file-store.js';
import { badRequest } from '../http/errors.js';
import { newHexId } from '../ids.js';
import type { AttachedFile, DeclaredTool } from '../script.js';
import {
  type FunctionCallItem,
  type FunctionCallOutputItem,
  INCLUDE_VALUES,
  type InputMessageItem,
  type InputPart,
  itemText,
  type McpApprovalResponseItem,
  type OutputMessageItem,
  type StoredItem,
} from './wire.js';

/** Every parameter of CreateResponse; anything else is refused as the service does. */
export const RESPONSE_KEYS = [
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'conversation',
  'previous_response_id',
  'stream',
  'stream_options',
  'store',
  'background',
  'metadata',
  'include',
  'max_output_tokens',
  'max_tool_calls',
  'temperature',
  'top_p',
  'top_logprobs',
  'text',
  'reasoning',
  'truncation',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'prompt_cache_options',
  'service_tier',
  'prompt',
  'context_management',
  'moderation',
] as const;

type Json = Record<string, unknown>;

const supported = (values: readonly string[]) =>
  values.length === 1
    ? `'${values[0]}'`
    : `${values
        .slice(0, -1)
        .map((v) => `'${v}'`)
        .join(', ')} and '${values.at(-1)}'`;

function invalidValue(value: unknown, values: readonly string[], param: string): never {
  throw badRequest(
    `Invalid value: '${String(value)}'. Supported values are: ${supported(values)}.`,
    param,
    'invalid_value',
  );
}

export function parseInclude(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  expectType(raw, 'array', 'include');
  return (raw as unknown[]).map((value, i) => {
    if (!(INCLUDE_VALUES as readonly unknown[]).includes(value))
      invalidValue(value, INCLUDE_VALUES, `include[${i}]`);
    return value as string;
  });
}

/** `conversation` is an id or `{ id }`. */
export function conversationIdOf(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return raw;
  expectType(raw, 'object', 'conversation');
  const id = requireField(raw as Json, 'id', 'conversation.');
  expectType(id, 'string', 'conversation.id');
  return id as string;
}

/** What the service fills in for an `image_generation` tool the request leaves it to (the spec's defaults). */
const IMAGE_GENERATION_DEFAULTS = {
  background: 'auto',
  model: 'gpt-image-1',
  moderation: 'auto',
  output_compression: 100,
  output_format: 'png',
  partial_images: 0,
  quality: 'auto',
  size: 'auto',
};

/** `partial_images`: an integer from 0 to 3, as the service checks it. */
function partialImages(tool: Json, param: string): number {
  const n = tool.partial_images ?? 0;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw badRequest(
      `Invalid type for '${param}.partial_images': expected an integer, but got ${typeof n} instead.`,
      `${param}.partial_images`,
      'invalid_type',
    );
  }
  if (n < 0 || n > 3) {
    throw badRequest(
      `Invalid '${param}.partial_images': integer ${n < 0 ? 'below minimum' : 'above maximum'} value. Expected a value ${n < 0 ? '>= 0' : '<= 3'}, but got ${n} instead.`,
      `${param}.partial_images`,
      n < 0 ? 'integer_below_min_value' : 'integer_above_max_value',
    );
  }
  return n;
}

export interface ParsedTools {
  /** The tools as the response object echoes them (defaults filled in). */
  echo: Json[];
  declared: DeclaredTool[];
  /** The code_interpreter tool's container: an id, or `auto` with files to upload. */
  container?: { id: string } | { fileIds: string[] };
}

export function parseTools(raw: unknown, files: FileStore): ParsedTools {
  const parsed: ParsedTools = { echo: [], declared: [] };
  if (raw === undefined || raw === null) return parsed;
  expectType(raw, 'array', 'tools');
  (raw as unknown[]).forEach((value, i) => {
    const param = `tools[${i}]`;
    expectType(value, 'object', param);
    const tool = value as Json;
    expectType(requireField(tool, 'type', `${param}.`), 'string', `${param}.type`);
    if (tool.type === 'function') {
      expectType(requireField(tool, 'name', `${param}.`), 'string', `${param}.name`);
      parsed.declared.push({ type: 'function', name: tool.name as string });
      // The service makes function tools strict unless told otherwise.
      parsed.echo.push({ description: null, parameters: null, strict: true, ...tool });
    } else if (tool.type === 'code_interpreter') {
      const container = requireField(tool, 'container', `${param}.`);
      if (typeof container === 'string') parsed.container = { id: container };
      else {
        expectType(container, 'object', `${param}.container`);
        const fileIds = ((container as Json).file_ids ?? []) as unknown;
        expectType(fileIds, 'array', `${param}.container.file_ids`);
        for (const id of fileIds as unknown[]) files.require(String(id));
        parsed.container = { fileIds: fileIds as string[] };
      }
      parsed.declared.push({ type: 'code_interpreter' });
      parsed.echo.push({ ...tool });
    } else if (tool.type === 'file_search') {
      expectType(requireField(tool, 'vector_store_ids', `${param}.`), 'array', `${param}.vector_store_ids`);
      parsed.declared.push({ type: 'file_search' });
      parsed.echo.push({ ...tool });
    } else if (tool.type === 'mcp') {
      const label = requireField(tool, 'server_label', `${param}.`);
      expectType(label, 'string', `${param}.server_label`);
      parsed.declared.push({ type: 'mcp', serverLabel: label as string });
      parsed.echo.push({ ...tool });
    } else if (tool.type === 'web_search' || tool.type === 'web_search_2025_08_26') {
      parsed.declared.push({ type: 'web_search' });
      parsed.echo.push({ search_context_size: 'medium', ...tool });
    } else if (tool.type === 'image_generation') {
      parsed.declared.push({ type: 'image_generation', partialImages: partialImages(tool, param) });
      parsed.echo.push({ ...IMAGE_GENERATION_DEFAULTS, ...tool });
    } else {
      // Other hosted tools are accepted and echoed; the script is not told of them.
      parsed.echo.push({ ...tool });
    }
  });
  return parsed;
}

export interface ParsedInput {
  /** The input as stored items (with ids). */
  items: StoredItem[];
  /** The user messages after the input's last assistant turn: what this turn says. */
  userMessages: string[];
  /** Messages before those (a stateless client sends the whole conversation). */
  history: { role: 'user' | 'assistant'; text: string }[];
  files: AttachedFile[];
  outputs: FunctionCallOutputItem[];
  /** `function_call` items the input carries itself (a stateless client's tool round). */
  calls: FunctionCallItem[];
  /** `mcp_approval_response` items: the client's decisions on held MCP calls. */
  approvals: McpApprovalResponseItem[];
}

function textOf(value: unknown, param: string): string {
  expectType(value, 'string', param);
  return value as string;
}

function inputParts(
  content: unknown,
  param: string,
  files: FileStore,
  attached: AttachedFile[],
): InputPart[] {
  if (typeof content === 'string') return [{ type: 'input_text', text: content }];
  expectType(content, 'array', param);
  return (content as unknown[]).map((value, i) => {
    const at = `${param}[${i}]`;
    expectType(value, 'object', at);
    const part = value as Json;
    if (part.type === 'input_text') return { type: 'input_text', text: textOf(part.text, `${at}.text`) };
    const fileId = typeof part.file_id === 'string' ? part.file_id : undefined;
    if (fileId !== undefined) {
      const name = files.require(fileId).object.filename;
      attached.push({ fileId, name, tools: [] });
    }
    if (part.type === 'input_image') {
      return { ...part, type: 'input_image', detail: typeof part.detail === 'string' ? part.detail : 'auto' };
    }
    if (part.type === 'input_file') return { ...part, type: 'input_file' } as InputPart;
    return invalidValue(part.type, ['input_text', 'input_image', 'input_file'], `${at}.type`);
  });
}

function assistantMessage(content: unknown, param: string): OutputMessageItem {
  const parts = typeof content === 'string' ? [content] : content;
  expectType(parts, 'array', param);
  const texts = (parts as unknown[]).map((part, i) =>
    typeof part === 'string' ? part : textOf((part as Json | null)?.text, `${param}[${i}].text`),
  );
  return {
    id: newHexId('msg'),
    type: 'message',
    role: 'assistant',
    status: 'completed',
    content: texts.map((text) => ({ type: 'output_text', text, annotations: [], logprobs: [] })),
  };
}

/**
 * `input`: a string, or input items (messages, function calls and their outputs). `name` is the
 * parameter errors name (a conversation's `items` take the same items).
 */
export function parseInput(raw: unknown, files: FileStore, name = 'input'): ParsedInput {
  const parsed: ParsedInput = {
    items: [],
    userMessages: [],
    history: [],
    files: [],
    outputs: [],
    calls: [],
    approvals: [],
  };
  const list = typeof raw === 'string' ? [{ role: 'user', content: raw }] : (raw ?? []);
  expectType(list, 'array', name);
  (list as unknown[]).forEach((value, i) => {
    const param = `${name}[${i}]`;
    expectType(value, 'object', param);
    const entry = value as Json;
    const type = entry.type ?? 'message';
    if (type === 'message') {
      const role = requireField(entry, 'role', `${param}.`);
      const content = requireField(entry, 'content', `${param}.`);
      if (role === 'assistant') {
        parsed.items.push(assistantMessage(content, `${param}.content`));
        return;
      }
      if (role !== 'user' && role !== 'system' && role !== 'developer') {
        invalidValue(role, ['user', 'assistant', 'system', 'developer'], `${param}.role`);
      }
      const message: InputMessageItem = {
        id: newHexId('msg'),
        type: 'message',
        role,
        status: 'completed',
        content: inputParts(content, `${param}.content`, files, parsed.files),
      };
      parsed.items.push(message);
    } else if (type === 'function_call_output') {
      const callId = textOf(requireField(entry, 'call_id', `${param}.`), `${param}.call_id`);
      const output = requireField(entry, 'output', `${param}.`);
      if (typeof output !== 'string') expectType(output, 'array', `${param}.output`);
      const item: FunctionCallOutputItem = {
        id: newHexId('fco'),
        type: 'function_call_output',
        call_id: callId,
        output: output as string | unknown[],
        status: 'completed',
      };
      parsed.items.push(item);
      parsed.outputs.push(item);
    } else if (type === 'function_call') {
      const item: FunctionCallItem = {
        id: typeof entry.id === 'string' ? entry.id : newHexId('fc'),
        type: 'function_call',
        call_id: textOf(requireField(entry, 'call_id', `${param}.`), `${param}.call_id`),
        name: textOf(requireField(entry, 'name', `${param}.`), `${param}.name`),
        arguments: textOf(requireField(entry, 'arguments', `${param}.`), `${param}.arguments`),
        status: 'completed',
      };
      parsed.items.push(item);
      parsed.calls.push(item);
    } else if (type === 'mcp_approval_response') {
      const approve = requireField(entry, 'approve', `${param}.`);
      expectType(approve, 'boolean', `${param}.approve`);
      const reason = entry.reason ?? null;
      if (reason !== null) expectType(reason, 'string', `${param}.reason`);
      const item: McpApprovalResponseItem = {
        id: newHexId('mcpa'),
        type: 'mcp_approval_response',
        approval_request_id: textOf(
          requireField(entry, 'approval_request_id', `${param}.`),
          `${param}.approval_request_id`,
        ),
        approve: approve as boolean,
        reason: reason as string | null,
      };
      parsed.items.push(item);
      parsed.approvals.push(item);
    } else {
      invalidValue(
        type,
        ['message', 'function_call', 'function_call_output', 'mcp_approval_response'],
        `${param}.type`,
      );
    }
  });
  splitTurn(parsed);
  return parsed;
}

/** The trailing user messages are this turn; messages before the last assistant turn are history. */
function splitTurn(parsed: ParsedInput): void {
  const lastAssistant = parsed.items.findLastIndex(
    (i) => i.type === 'function_call' || (i.type === 'message' && i.role === 'assistant'),
  );
  parsed.items.forEach((item, i) => {
    if (item.type !== 'message' || item.role === 'system' || item.role === 'developer') return;
    const text = itemText(item);
    if (i > lastAssistant && item.role === 'user') parsed.userMessages.push(text);
    else parsed.history.push({ role: item.role === 'assistant' ? 'assistant' : 'user', text });
  });
}
