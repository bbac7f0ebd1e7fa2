import type {
  ResponseCreateParamsStreaming,
  ResponseInputContent,
  ResponseInputItem,
  Tool,
} from 'openai/resources/responses/responses';
import type { Profile } from '../../config/profiles/types.js';
import type { FunctionDefinition, McpToolParam } from '../../core/tool-definition.js';
import type { McpApprovalAnswer, RunMessage, ToolOutput } from '../backend.js';

/** Drafts (`partial_images`) an image generation streams before the image; each costs some output tokens. */
export const IMAGE_DRAFTS = 1;

/** Text sent when a message carries only files: the API refuses empty input text. */
const FILES_ONLY_TEXT = '(see the attached files)';

/**
 * What a response is made with: the run's profile, or the environment's assistant (`AssistantConfig`,
 * which has no temperature or reasoning effort) when the run has none.
 */
export type ResponseSettings = Pick<
  Profile,
  | 'model'
  | 'instructions'
  | 'codeInterpreter'
  | 'fileSearch'
  | 'webSearch'
  | 'imageGeneration'
  | 'vectorStoreIds'
> &
  Partial<Pick<Profile, 'temperature' | 'reasoningEffort'>>;

/**
 * The tools of one response: the Responses API has no assistant object, so model, instructions and
 * tools go with every request. File search needs vector stores; without any it is left out.
 */
export function toolsFor(
  assistant: ResponseSettings,
  functions: readonly FunctionDefinition[],
  containerFileIds: readonly string[],
  mcp: readonly McpToolParam[] = [],
): Tool[] {
  const tools: Tool[] = [];
  if (assistant.codeInterpreter) {
    tools.push({ type: 'code_interpreter', container: { type: 'auto', file_ids: [...containerFileIds] } });
  }
  if (assistant.fileSearch && assistant.vectorStoreIds.length > 0) {
    tools.push({ type: 'file_search', vector_store_ids: [...assistant.vectorStoreIds] });
  }
  if (assistant.webSearch) tools.push({ type: 'web_search' });
  // One draft streams before the image: the sign, while it renders, that it is getting there.
  if (assistant.imageGeneration) tools.push({ type: 'image_generation', partial_images: IMAGE_DRAFTS });
  for (const fn of functions) {
    tools.push({
      type: 'function',
      name: fn.name,
      description: fn.description,
      parameters: fn.parameters,
      strict: false,
    });
  }
  // Remote MCP servers: the model service calls them itself (approvals permitting).
  for (const server of mcp) tools.push({ ...server });
  return tools;
}

/**
 * The turn's user messages as input items: pictures as `input_image`, documents as `input_file` (the
 * model reads them directly); data files go to the code interpreter's container instead.
 */
export function userInput(messages: readonly RunMessage[]): ResponseInputItem[] {
  return messages.map((message): ResponseInputItem => {
    const content: ResponseInputContent[] = [
      { type: 'input_text', text: message.text.trim().length > 0 ? message.text : FILES_ONLY_TEXT },
    ];
    for (const file of message.files) {
      if (file.use === 'image') content.push({ type: 'input_image', file_id: file.fileId, detail: 'auto' });
      if (file.use === 'file_search') content.push({ type: 'input_file', file_id: file.fileId });
    }
    return { type: 'message', role: 'user', content };
  });
}

/** The answers to a round of function calls, for the next response. */
export function toolOutputInput(outputs: readonly ToolOutput[]): ResponseInputItem[] {
  return outputs.map((o) => ({ type: 'function_call_output', call_id: o.callId, output: o.output }));
}

/** A person's decisions on MCP approval requests, for the next response. */
export function approvalInput(answers: readonly McpApprovalAnswer[]): ResponseInputItem[] {
  return answers.map((a) => ({
    type: 'mcp_approval_response',
    approval_request_id: a.requestId,
    approve: a.approve,
  }));
}

/** Data files of the turn, for the code interpreter's container. */
export function containerFileIds(messages: readonly RunMessage[]): string[] {
  return messages.flatMap((m) => m.files.filter((f) => f.use === 'code_interpreter').map((f) => f.fileId));
}

/** Where the response continues from: the conversation, or the previous response in the chain. */
export type Continuation = { conversation: string } | { previousResponseId: string | undefined };

/** One streamed, stored, background response: background so that a dropped stream can be resumed. */
export function responseBody(
  assistant: ResponseSettings,
  tools: Tool[],
  input: ResponseInputItem[],
  continuation: Continuation,
): ResponseCreateParamsStreaming {
  return {
    model: assistant.model,
    instructions: assistant.instructions,
    ...(assistant.temperature === undefined ? {} : { temperature: assistant.temperature }),
    ...(assistant.reasoningEffort === undefined ? {} : { reasoning: { effort: assistant.reasoningEffort } }),
    tools,
    input,
    stream: true,
    store: true,
    background: true,
    // What the chat shows: the interpreter's logs, and how many passages a file search found.
    include: ['code_interpreter_call.outputs', 'file_search_call.results'],
    ...('conversation' in continuation
      ? { conversation: continuation.conversation }
      : continuation.previousResponseId
        ? { previous_response_id: continuation.previousResponseId }
        : {}),
  };
}
