import type OpenAI from 'openai';
import type { AssistantConfig } from '../../config/types.js';
import type { FileRef } from '../../core/annotations.js';
import type { ConversationKey } from '../../core/conversation.js';
import type { Logger } from '../../core/logger.js';
import type { InboundFile } from '../../core/messages.js';
import type { OutboundFile } from '../../core/reply-events.js';
import type { FunctionDefinition } from '../../core/tool-definition.js';
import type { ThreadRepository } from '../../store/types.js';
import type { Backend, BackendRun, RunRequest, UploadedFile } from '../backend.js';
import { toOutboundFile, uploadUserFile } from '../shared/files.js';
import { callApi, isNotFound } from '../shared/openai-client.js';
import { DEFAULT_STREAM_STALL_MS } from '../shared/stall-watchdog.js';
import { DEFAULT_RESPONSES_RETRY, type ResponsesRetryOptions, ResponsesRun } from './responses-run.js';

export interface ResponsesBackendOptions {
  client: OpenAI;
  assistant: AssistantConfig;
  functions: readonly FunctionDefinition[];
  /** previous_response mode keeps the last response id on the thread record. */
  threads: ThreadRepository;
  logger: Logger;
  retry?: ResponsesRetryOptions;
  cancelGraceMs?: number;
  /** `STREAM_STALL_MS`. */
  stallMs?: number;
}

/** Metadata that marks a conversation as made by threadloom, for people looking at them later. */
export const CONVERSATION_MARKER = 'threadloom_conversation';
/** previous_response mode has no server-side thread; its "thread id" only names the chain. */
const CHAIN_PREFIX = 'chain_';

/**
 * The Responses API backend (what OpenAI serves today): a conversation per chat thread, a streamed
 * background response per round; model, instructions and tools from the config with every request.
 */
export class ResponsesBackend implements Backend {
  readonly name = 'responses' as const;

  constructor(private readonly options: ResponsesBackendOptions) {}

  async prepare(): Promise<void> {
    // Nothing to set up at the service: there is no assistant object in this API.
  }

  async createThread(key: ConversationKey): Promise<string> {
    if (this.options.assistant.conversationMode === 'previous_response') {
      return `${CHAIN_PREFIX}${crypto.randomUUID()}`;
    }
    const conversation = await callApi('create conversation', () =>
      this.options.client.conversations.create({ metadata: { [CONVERSATION_MARKER]: key.slice(0, 512) } }),
    );
    return conversation.id;
  }

  async deleteThread(threadId: string): Promise<void> {
    if (threadId.startsWith(CHAIN_PREFIX)) return;
    try {
      await this.options.client.conversations.delete(threadId);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async uploadFile(file: InboundFile, use: UploadedFile['use']): Promise<UploadedFile> {
    const fileId = await uploadUserFile(this.options.client, file, use === 'image' ? 'vision' : 'user_data');
    return { fileId, name: file.name, use };
  }

  startRun(request: RunRequest): BackendRun {
    return new ResponsesRun(
      {
        client: this.options.client,
        assistant: this.options.assistant,
        functions: this.options.functions,
        threads: this.options.threads,
        logger: this.options.logger.child({ conversation: request.key }),
        retry: this.options.retry ?? DEFAULT_RESPONSES_RETRY,
        cancelGraceMs: this.options.cancelGraceMs ?? 5000,
        stallMs: this.options.stallMs ?? DEFAULT_STREAM_STALL_MS,
      },
      request,
    );
  }

  async downloadFile(ref: FileRef): Promise<OutboundFile> {
    if (ref.inline) {
      const { bytes, mimeType } = ref.inline;
      return { kind: 'file', name: ref.name ?? ref.fileId, mimeType, bytes };
    }
    const { client } = this.options;
    const containerId = ref.containerId;
    const response = await callApi('download file', () =>
      containerId
        ? client.containers.files.content.retrieve(ref.fileId, { container_id: containerId })
        : client.files.content(ref.fileId),
    );
    const name = ref.name ?? (containerId ? ref.fileId : (await client.files.retrieve(ref.fileId)).filename);
    return toOutboundFile(response, name);
  }
}
